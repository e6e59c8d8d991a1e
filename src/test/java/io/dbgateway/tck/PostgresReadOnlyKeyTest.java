package io.dbgateway.tck;

import java.util.List;
import java.util.Map;

class PostgresReadOnlyKeyTest extends ReadOnlyKeyTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected List<String> hiddenWrites(String t) {
    return List.of(
        "WITH x AS (DELETE FROM " + t + " RETURNING id) SELECT * FROM x",
        "WITH x AS (INSERT INTO " + t + " (id, name) VALUES (9, 'x') RETURNING id) SELECT * FROM x",
        "WITH x AS (UPDATE " + t + " SET name = 'c' RETURNING id) SELECT COUNT(*) FROM x",
        "EXPLAIN ANALYZE DELETE FROM " + t,
        "DO $$ BEGIN DELETE FROM " + t + "; END $$",
        "CREATE TEMP TABLE " + t + "_tmp AS SELECT 1 AS a");
  }

  @Override
  protected List<String> sessionEscapes(String t) {
    return List.of("SET TRANSACTION READ WRITE", "SET transaction_read_only = off", "set local transaction_read_only to off",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "SET default_transaction_read_only = off",
        "SET search_path = pg_catalog", "SET ROLE NONE", "RESET ALL", "DISCARD ALL", "DEALLOCATE ALL",
        "PREPARE p AS DELETE FROM " + t, "EXECUTE p", "LISTEN dbgw", "COPY " + t + " TO '/tmp/dbgw-copy.txt'",
        "ABORT", "PREPARE TRANSACTION 'dbgw'", "COMMIT PREPARED 'dbgw'");
  }

  @Override
  protected Map<String, String> sessionChangesAndTheirProbe(String t) {
    return Map.of(
        "SELECT set_config('search_path', 'pg_catalog', false)", "SELECT current_setting('search_path') AS v",
        "SELECT set_config('statement_timeout', '1', false)", "SELECT current_setting('statement_timeout') AS v",
        "SELECT set_config('default_transaction_read_only', 'on', false)",
        "SELECT current_setting('default_transaction_read_only') AS v");
  }

  /**
   * After its first query a transaction's read-only mode is fixed: PostgreSQL refuses to lift it
   * (25001). A prepared statement is one statement (42601).
   */
  @Override
  protected List<Attack> refusedByTheDatabaseOnly(String t) {
    String insert = "INSERT INTO " + t + " (id, name) VALUES (9, 'x')";
    return List.of(
        // A script: the DELETE runs in the read key's read-only transaction, which the database refuses.
        withStatus(query("SELECT 1 /* ; */; DELETE FROM " + t), 403),
        withStatus(query("SELECT set_config('transaction_read_only', 'off', false)"), 400),
        withStatus(transaction("DO $$ BEGIN SET transaction_read_only = off; END $$", insert), 400),
        withStatus(transaction("DO $$ BEGIN PERFORM set_config('transaction_read_only', 'off', true); END $$", insert), 400));
  }

  @org.junit.jupiter.api.Test
  void aReadKeysAdvisoryLockDoesNotOutliveItsRequest() throws java.sql.SQLException {
    // pg_try_advisory_lock from another session takes the lock when it is free; it is let go at once.
    assertSessionLockIsReleasedWithTheRequest("SELECT pg_advisory_lock(4242) AS locked",
        "SELECT pg_try_advisory_lock(4242) AND pg_advisory_unlock(4242)");
  }
}
