package io.dbgateway.tck;

class MariaDbPoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
