package io.dbgateway.tck;

class PostgresPoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
