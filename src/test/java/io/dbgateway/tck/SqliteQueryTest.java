package io.dbgateway.tck;

class SqliteQueryTest extends QueryTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
