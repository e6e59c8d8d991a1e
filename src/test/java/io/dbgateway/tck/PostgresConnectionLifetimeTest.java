package io.dbgateway.tck;

class PostgresConnectionLifetimeTest extends ConnectionLifetimeTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String connectionIdQuery() {
    return "SELECT pg_backend_pid() AS id";
  }
}
