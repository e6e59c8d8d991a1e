package io.dbgateway.tck;

class MariaDbReadOnlyKeyTest extends MySqlReadOnlyKeyTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
