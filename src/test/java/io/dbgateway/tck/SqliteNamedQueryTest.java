package io.dbgateway.tck;

class SqliteNamedQueryTest extends NamedQueryTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
