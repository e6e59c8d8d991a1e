package io.dbgateway.tck;

import io.vertx.core.json.JsonObject;

class SqliteTimeoutTest extends TimeoutTck {

  /** SQLite has no sleep: a counting query, its length measured once on this machine. */
  @Override
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    long probe = 1_000_000;
    // The fastest of three probes: one probe slowed by a busy machine (the full suite on 2 shared cores) made
    // steps too short to reach the deadline once the machine was quiet again.
    double took = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      var r = gateway.post("/v1/query", new JsonObject().put("sql", counting(probe)).put("timeoutMs", 30_000));
      took = Math.min(took, Math.max(1, r.json().getDouble("elapsedMs")));
    }
    return counting(Math.max(1_000, (long) (probe * ms / took)));
  }

  private static String counting(long rows) {
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT " + rows + ") SELECT COUNT(*) FROM n";
  }

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  /**
   * SQLite has no process list. The gateway has one writer connection, so a write that completes at
   * once proves the interrupted statement no longer holds it.
   */
  @Override
  protected int stillRunning() {
    String table = Engine.uniqueTable("probe");
    var r = engine().gateway().post("/v1/query", new JsonObject()
        .put("sql", "CREATE TABLE " + table + " (id INTEGER)").put("timeoutMs", 2000));
    return r.status() == 200 ? 0 : 1;
  }
}
