package io.dbgateway.tck;

class MariaDbPoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String slowStatement() {
    return "SELECT SLEEP(60)";
  }
}
