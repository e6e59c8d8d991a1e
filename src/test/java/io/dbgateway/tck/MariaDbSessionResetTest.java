package io.dbgateway.tck;

class MariaDbSessionResetTest extends MySqlSessionResetTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
