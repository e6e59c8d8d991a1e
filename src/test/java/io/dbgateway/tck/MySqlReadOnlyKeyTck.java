package io.dbgateway.tck;

import java.util.List;
import java.util.Map;

/** MySQL and MariaDB (Galera included): their own ways around a read-only transaction. */
public abstract class MySqlReadOnlyKeyTck extends ReadOnlyKeyTck {

  @Override
  protected Map<String, String> sessionChangesAndTheirProbe(String t) {
    return Map.of();
  }

  /** DDL commits implicitly in MySQL: only the read-only session keeps it from running. */
  @Override
  protected List<Attack> refusedByTheDatabaseOnly(String t) {
    return List.of(query("CREATE TABLE " + t + "_new (id INT)"), query("DROP TABLE " + t),
        query("CREATE DATABASE " + t + "_db"), query("ALTER TABLE " + t + " ADD COLUMN extra INT"),
        transaction("CREATE TABLE " + t + "_new2 (id INT)", "INSERT INTO " + t + " (id, name) VALUES (9, 'x')"),
        transaction("DROP TABLE " + t, "SELECT 1"));
  }

  @Override
  protected List<String> hiddenWrites(String t) {
    return List.of(
        "INSERT INTO " + t + " WITH y AS (SELECT 9 AS id, 'x' AS name) SELECT * FROM y",
        "/*!DELETE FROM " + t + "*/",
        "/*M!100000 DELETE FROM " + t + " */",
        "REPLACE INTO " + t + " (id, name) VALUES (1, 'replaced')",
        "CREATE TEMPORARY TABLE " + t + "_tmp (id INT)",
        "TRUNCATE TABLE " + t,
        "RENAME TABLE " + t + " TO " + t + "_renamed",
        "CREATE OR REPLACE VIEW " + t + "_view AS SELECT 1 AS a");
  }

  @Override
  protected List<String> sessionEscapes(String t) {
    return List.of("SET SESSION TRANSACTION READ WRITE", "SET SESSION tx_read_only = 0", "SET @@session.tx_read_only = 0",
        "SET autocommit = 1", "/*!SET autocommit = 1*/", "/*!50000 COMMIT */",
        "SET STATEMENT tx_read_only = 0 FOR DELETE FROM " + t, "LOCK TABLES " + t + " WRITE", "UNLOCK TABLES",
        "USE mysql", "XA START 'dbgw'", "CALL mysql.no_such_procedure()", "HANDLER " + t + " OPEN", "KILL 999999",
        "FLUSH TABLES", "PREPARE p FROM 'DELETE FROM " + t + "'", "EXECUTE p", "DEALLOCATE PREPARE p",
        // locking reads the database allows in a read-only transaction: they would block every writer
        "SELECT * FROM " + t + " LOCK IN SHARE MODE", "SELECT id FROM " + t + " WHERE id = 1 FOR SHARE",
        "SELECT 1 FROM (SELECT id FROM " + t + " /* x */ lock  in share\nmode) s");
  }

  @org.junit.jupiter.api.Test
  void aReadKeysNamedLockDoesNotOutliveItsRequest() throws java.sql.SQLException {
    assertSessionLockIsReleasedWithTheRequest("SELECT GET_LOCK('dbgw_read_lock', 0) AS locked",
        "SELECT IS_FREE_LOCK('dbgw_read_lock')");
  }
}
