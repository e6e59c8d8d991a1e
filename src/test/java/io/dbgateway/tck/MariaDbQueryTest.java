package io.dbgateway.tck;

class MariaDbQueryTest extends QueryTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
