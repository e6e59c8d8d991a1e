package io.dbgateway.tck;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;

class SqliteTimeoutTest extends TimeoutTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String slowStatement() {
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n";
  }

  /**
   * SQLite has no process list. The gateway has one writer connection, so a write that completes at
   * once proves the interrupted statement no longer holds it.
   */
  @Override
  protected int stillRunning(Connection c) {
    String table = Engine.uniqueTable("probe");
    var r = engine().gateway().post("/v1/query", new JsonObject()
        .put("sql", "CREATE TABLE " + table + " (id INTEGER)").put("timeoutMs", 2000));
    return r.status() == 200 ? 0 : 1;
  }
}
