package io.dbgateway.tck;

class PostgresNamedQueryTest extends NamedQueryTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
