package io.dbgateway.tck;

class SqlitePoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String slowStatement() {
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n";
  }
}
