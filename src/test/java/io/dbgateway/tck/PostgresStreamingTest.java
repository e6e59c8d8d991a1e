package io.dbgateway.tck;

class PostgresStreamingTest extends StreamingTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String series(long rows) {
    return "SELECT g AS n, '" + PAD + "' AS pad FROM generate_series(1, " + rows + ") g";
  }

  /** PostgreSQL computes a portal's rows as they are fetched: the division fails on its own row. */
  @Override
  protected String failingLate(long rows, long failAt) {
    return "SELECT g AS n, 1 / (g - " + failAt + ") AS boom FROM generate_series(1, " + rows + ") g";
  }

  @Override
  protected String lateFailureCode() {
    return "SQL_ERROR";
  }

  @Override
  protected String shortLockWait() {
    return "SET lock_timeout = '2s'";
  }

  @Override
  protected String slowSelect() {
    return "SELECT pg_sleep(60) AS slept";
  }
}
