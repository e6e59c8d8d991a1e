package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

class SqliteIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String slowStatement(double seconds) {
    // No sleep function in SQLite: count through a recursive CTE for about that long.
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + (long) (seconds * 2_500_000)
        + ") SELECT COUNT(*) AS n FROM c";
  }
}
