package io.dbgateway.tck;

class SqlitePoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
