package io.dbgateway.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

class MariaDbTimeoutTest extends TimeoutTck {

  /**
   * MariaDB's per-statement limit ends each statement, but a unit of many statements that each stay
   * within it can outlive the unit's deadline: the gateway then stops the running one with KILL QUERY
   * from a connection of its own (the protocol has no cancel request), answers 504 at the deadline,
   * leaves nothing running on the server, and the one pooled connection serves the next request.
   */
  @org.junit.jupiter.api.Test
  void aTransactionPastItsDeadlineIsKilledOnTheServer() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "500");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try (Connection direct = engine().jdbc()) {
      io.vertx.core.json.JsonArray statements = new io.vertx.core.json.JsonArray();
      for (int i = 0; i < 12; i++) {
        statements.add(new io.vertx.core.json.JsonObject().put("sql", "SELECT SLEEP(0.9) AS dbgw_kill_me"));
      }
      long start = System.nanoTime();
      var slept = gateway.post("/v1/transaction",
          new io.vertx.core.json.JsonObject().put("timeoutMs", 1000).put("statements", statements));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      org.assertj.core.api.Assertions.assertThat(slept.status()).as(slept.body()).isEqualTo(504);
      org.assertj.core.api.Assertions.assertThat(tookMs).as("answered at the deadline").isLessThan(5_000);

      // Without the kill the statements would go on for 10 s more; give the server a moment to act on it.
      int running = runningAfterAMoment(() -> running(direct));
      org.assertj.core.api.Assertions.assertThat(running).as("nothing left running").isZero();
      var next = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT 1 AS one"));
      org.assertj.core.api.Assertions.assertThat(next.status()).as("the pool is whole: " + next.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  private static int running(Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%dbgw_kill_me%' AND COMMAND <> 'Sleep'"
            + " AND ID <> CONNECTION_ID()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Override
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    return "SELECT SLEEP(" + ms / 1000.0 + ")";
  }

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String slowStatement() {
    return "SELECT SLEEP(60)";
  }

  @Override
  protected int stillRunning(Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60)%' AND COMMAND <> 'Sleep'"
            + " AND ID <> CONNECTION_ID()")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
