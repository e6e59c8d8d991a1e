package io.dbgateway.logging;

import io.dbgateway.tck.Engine;

class PostgresSecretsNotLoggedTest extends SecretsNotLoggedTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String slowStatementWithParameter() {
    return "SELECT pg_sleep(60), CAST(? AS TEXT) AS v";
  }
}
