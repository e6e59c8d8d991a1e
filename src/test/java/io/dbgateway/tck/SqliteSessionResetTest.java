package io.dbgateway.tck;

import java.util.List;

class SqliteSessionResetTest extends SessionResetTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected List<Change> sessionChanges() {
    return List.of(
        new Change("temporary table", List.of("CREATE TEMP TABLE dbgw_tmp (x)"),
            "SELECT COUNT(*) AS v FROM sqlite_temp_master"),
        new Change("PRAGMA foreign_keys", List.of("PRAGMA foreign_keys = OFF"), "SELECT foreign_keys AS v FROM pragma_foreign_keys"),
        new Change("PRAGMA query_only", List.of("PRAGMA query_only = 1"), "SELECT query_only AS v FROM pragma_query_only"),
        new Change("ATTACH", List.of("ATTACH DATABASE ':memory:' AS dbgw_other"),
            "SELECT COUNT(*) AS v FROM pragma_database_list"));
  }
}
