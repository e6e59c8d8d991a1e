package io.dbgateway.tck;

class PostgresQueryTest extends QueryTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
