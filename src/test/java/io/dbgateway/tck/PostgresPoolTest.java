package io.dbgateway.tck;

class PostgresPoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String slowStatement() {
    return "SELECT pg_sleep(60)";
  }
}
