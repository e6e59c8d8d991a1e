package io.dbgateway.logging;

import io.dbgateway.tck.Engine;

class SqliteSecretsNotLoggedTest extends SecretsNotLoggedTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String slowStatementWithParameter() {
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*), ? FROM n";
  }
}
