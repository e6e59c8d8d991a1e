package io.dbgateway.tck;

import java.util.List;
import java.util.Map;

/** SQLite's read connections are opened read-only (SQLITE_OPEN_READONLY): no PRAGMA makes them writable. */
class SqliteReadOnlyKeyTest extends ReadOnlyKeyTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected List<String> hiddenWrites(String t) {
    return List.of(
        "WITH x AS (SELECT 9 AS id) INSERT INTO " + t + " (id, name) SELECT id, 'x' FROM x",
        "DELETE FROM " + t + " RETURNING id",
        "INSERT INTO " + t + " (id, name) VALUES (9, 'x') RETURNING id",
        "UPDATE " + t + " SET name = 'c' RETURNING *",
        "REPLACE INTO " + t + " (id, name) VALUES (1, 'replaced')");
  }

  @Override
  protected List<String> sessionEscapes(String t) {
    return List.of("PRAGMA query_only = 0", "PRAGMA query_only(false)", "/* x */ pragma writable_schema = 1",
        "PRAGMA foreign_keys = OFF", "PRAGMA journal_mode = DELETE",
        "ATTACH DATABASE '/tmp/dbgw-attack-" + t + ".db' AS a", "ATTACH ':memory:' AS m", "DETACH DATABASE m",
        "VACUUM INTO '/tmp/dbgw-attack-" + t + "-copy.db'", "VACUUM");
  }

  @Override
  protected Map<String, String> sessionChangesAndTheirProbe(String t) {
    return Map.of();
  }

  /**
   * Read connections also run with {@code PRAGMA query_only}, which refuses temporary tables too: one
   * named like a real table would hide it from the next caller on the connection.
   */
  @Override
  protected List<Attack> refusedByTheDatabaseOnly(String t) {
    return List.of(query("CREATE TEMP TABLE " + t + " AS SELECT 1 AS id, 'fake' AS name"),
        transaction("CREATE TEMP TABLE tmp_" + t + " (a INTEGER)", "INSERT INTO tmp_" + t + " VALUES (1)"));
  }
}
