package io.dbgateway.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

class PostgresTimeoutTest extends TimeoutTck {

  /** Sessions keep the default timeout; a request's own timeout must not outlive it on the connection. */
  @org.junit.jupiter.api.Test
  void aRequestsTimeoutDoesNotStayOnThePooledConnection() {
    java.util.Map<String, String> env = new java.util.HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      var shortOne = gateway.post("/v1/query", new io.vertx.core.json.JsonObject()
          .put("sql", "SELECT pg_sleep(0.01)").put("timeoutMs", 200));
      org.assertj.core.api.Assertions.assertThat(shortOne.status()).isEqualTo(200);
      var withDefault = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(0.5)"));
      org.assertj.core.api.Assertions.assertThat(withDefault.status()).as(withDefault.body()).isEqualTo(200);
      var failedInTransaction = gateway.post("/v1/transaction", new io.vertx.core.json.JsonObject().put("timeoutMs", 200)
          .put("statements", new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(5)"))));
      org.assertj.core.api.Assertions.assertThat(failedInTransaction.status()).isEqualTo(504);
      var afterRollback = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(0.5)"));
      org.assertj.core.api.Assertions.assertThat(afterRollback.status()).as(afterRollback.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  /**
   * A caller that turns the session's statement timeout off (for the session, or for its transaction)
   * still gets a 504 at its deadline: the gateway cancels the statement on the server itself, nothing is
   * left running, and the one pooled connection serves the next request.
   */
  @org.junit.jupiter.api.Test
  void aStatementTimeoutTurnedOffBySQLStillEndsAtTheGatewaysDeadline() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try (Connection direct = engine().jdbc()) {
      var off = gateway.post("/v1/query", new io.vertx.core.json.JsonObject()
          .put("sql", "SELECT set_config('statement_timeout', '0', false) AS off"));
      org.assertj.core.api.Assertions.assertThat(off.status()).as(off.body()).isEqualTo(200);
      long start = System.nanoTime();
      var slept = gateway.post("/v1/query", new io.vertx.core.json.JsonObject()
          .put("sql", "SELECT pg_sleep(60) AS slept").put("timeoutMs", 1000));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      org.assertj.core.api.Assertions.assertThat(slept.status()).as(slept.body()).isEqualTo(504);
      org.assertj.core.api.Assertions.assertThat(slept.json().getString("code")).isEqualTo("TIMEOUT");
      org.assertj.core.api.Assertions.assertThat(tookMs).as("ended at the deadline, not after the sleep").isLessThan(20_000);

      var inTransaction = gateway.post("/v1/transaction", new io.vertx.core.json.JsonObject().put("timeoutMs", 1000)
          .put("statements", new io.vertx.core.json.JsonArray()
              .add(new io.vertx.core.json.JsonObject().put("sql", "SELECT set_config('statement_timeout', '0', true) AS off"))
              .add(new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(60) AS slept"))));
      org.assertj.core.api.Assertions.assertThat(inTransaction.status()).as(inTransaction.body()).isEqualTo(504);

      // The transaction's 504 comes as the cancel is sent; give the server a moment to act on it.
      int running = runningAfterAMoment(() -> stillRunning(direct));
      org.assertj.core.api.Assertions.assertThat(running).as("nothing left running").isZero();
      var next = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT 1 AS one"));
      org.assertj.core.api.Assertions.assertThat(next.status()).as("the pool is whole: " + next.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  /**
   * A cancel reaches the server a moment after it is sent, and stops whatever runs there then: on a
   * reused connection that could be the next caller's statement. So the connection a cancel was sent for
   * is closed, and the pool's one connection is a new session afterwards.
   */
  @org.junit.jupiter.api.Test
  void aConnectionACancelWasSentForIsNeverLentAgain() {
    java.util.Map<String, String> env = new java.util.HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    // At the default timeout no SET precedes a statement, so a transaction can turn its own timeout off and
    // only the gateway's deadline (and its cancel) ends it.
    env.put("GATEWAY_QUERY_DEFAULT_TIMEOUT_MS", "1000");
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "500");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      var before = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_backend_pid() AS pid"));
      int firstPid = before.json().getJsonArray("rows").getJsonObject(0).getInteger("pid");
      var cancelled = gateway.post("/v1/transaction", new io.vertx.core.json.JsonObject()
          .put("statements", new io.vertx.core.json.JsonArray()
              .add(new io.vertx.core.json.JsonObject().put("sql", "SELECT set_config('statement_timeout', '0', true) AS off"))
              .add(new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(60) AS slept"))));
      org.assertj.core.api.Assertions.assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(504);
      var after = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_backend_pid() AS pid"));
      org.assertj.core.api.Assertions.assertThat(after.status()).as(after.body()).isEqualTo(200);
      org.assertj.core.api.Assertions.assertThat(after.json().getJsonArray("rows").getJsonObject(0).getInteger("pid"))
          .as("the pool's one connection after a cancel").isNotEqualTo(firstPid);
    } finally {
      gateway.close();
    }
  }

  @Override
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    return "SELECT pg_sleep(" + ms / 1000.0 + ")";
  }

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String slowStatement() {
    return "SELECT pg_sleep(60)";
  }

  @Override
  protected int stillRunning(Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(60)%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
