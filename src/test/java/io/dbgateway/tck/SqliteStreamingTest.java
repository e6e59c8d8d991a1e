package io.dbgateway.tck;

class SqliteStreamingTest extends StreamingTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  /** SQLite computes rows as they are stepped: json() rejects its argument on that row only. */
  @Override
  protected String failingLate(long rows, long failAt) {
    return "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " + rows + ")"
        + " SELECT n, json(CASE WHEN n = " + failAt + " THEN 'not json' ELSE '1' END) AS boom FROM s";
  }

  @Override
  protected String lateFailureCode() {
    return "SQL_ERROR";
  }

  @Override
  protected String shortLockWait() {
    return "PRAGMA busy_timeout = 2000";
  }

  @Override
  protected String slowSelect() {
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) AS c FROM n";
  }
}
