package io.dbgateway.tck;

class MariaDbNamedQueryTest extends NamedQueryTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
