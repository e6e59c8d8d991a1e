package io.dbgateway.tck;

import java.util.List;

/** MySQL and MariaDB sessions: variables, user variables, named locks, temporary tables. */
public abstract class MySqlSessionResetTck extends SessionResetTck {

  @Override
  protected List<Change> sessionChanges() {
    return List.of(
        new Change("sql_mode", List.of("SET SESSION sql_mode = 'ANSI_QUOTES'"), "SELECT @@SESSION.sql_mode AS v"),
        new Change("time_zone", List.of("SET time_zone = '+05:00'"), "SELECT @@SESSION.time_zone AS v"),
        new Change("max_statement_time", List.of("SET SESSION max_statement_time = 0"),
            "SELECT @@SESSION.max_statement_time AS v"),
        new Change("a user variable", List.of("SET @dbgw = 5"), "SELECT @dbgw AS v"),
        new Change("a user variable set by a query", List.of("SELECT @dbgw2 := 7 AS x"), "SELECT @dbgw2 AS v"),
        new Change("a named lock", List.of("SELECT GET_LOCK('dbgw_lock', 0)"), "SELECT IS_FREE_LOCK('dbgw_lock') AS v"),
        new Change("a read-only session", List.of("SET SESSION TRANSACTION READ ONLY"),
            "SELECT @@SESSION.tx_read_only AS v"));
  }

  @Override
  protected String temporaryTable(String name) {
    return "CREATE TEMPORARY TABLE " + name + " (id INTEGER, name VARCHAR(50))";
  }

  @Override
  protected String begin() {
    return "START TRANSACTION";
  }
}
