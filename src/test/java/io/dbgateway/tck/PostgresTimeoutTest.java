package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresTimeoutTest extends TimeoutTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  /** A gateway of its own with one pooled connection, and these settings besides. */
  private GatewayUnderTest onePooledConnection(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    env.putAll(settings);
    return GatewayUnderTest.start(env);
  }

  private static JsonObject sql(String sql) {
    return new JsonObject().put("sql", sql);
  }

  /** Sessions keep the default timeout; a request's own timeout must not outlive it on the connection. */
  @Test
  void aRequestsTimeoutDoesNotStayOnThePooledConnection() {
    GatewayUnderTest gateway = onePooledConnection(Map.of());
    try {
      Response shortOne = gateway.post("/v1/query", sql("SELECT pg_sleep(0.01)").put("timeoutMs", 200));
      assertThat(shortOne.status()).isEqualTo(200);
      Response withDefault = gateway.post("/v1/query", sql("SELECT pg_sleep(0.5)"));
      assertThat(withDefault.status()).as(withDefault.body()).isEqualTo(200);
      Response failedInTransaction = gateway.post("/v1/transaction", new JsonObject().put("timeoutMs", 200)
          .put("statements", new JsonArray().add(sql("SELECT pg_sleep(5)"))));
      assertThat(failedInTransaction.status()).isEqualTo(504);
      Response afterRollback = gateway.post("/v1/query", sql("SELECT pg_sleep(0.5)"));
      assertThat(afterRollback.status()).as(afterRollback.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  /**
   * A caller that turns the session's statement timeout off (for the session, or for its transaction)
   * still gets a 504 at its deadline: the gateway cancels the statement on the server itself, nothing is
   * left running, and the one pooled connection serves the next request.
   */
  @Test
  void aStatementTimeoutTurnedOffBySQLStillEndsAtTheGatewaysDeadline() throws Exception {
    GatewayUnderTest gateway = onePooledConnection(Map.of());
    try {
      Response off = gateway.post("/v1/query", sql("SELECT set_config('statement_timeout', '0', false) AS off"));
      assertThat(off.status()).as(off.body()).isEqualTo(200);
      Response slept = gateway.post("/v1/query", sql("SELECT pg_sleep(60) AS slept").put("timeoutMs", 1000));
      assertThat(slept.status()).as(slept.body()).isEqualTo(504);
      assertThat(slept.json().getString("code")).isEqualTo("TIMEOUT");
      // Cancelled on the server: the minute's sleep is not running any more.
      assertThat(runningAfterAMoment(this::stillRunning)).as("the sleep left running").isZero();

      Response inTransaction = gateway.post("/v1/transaction", new JsonObject().put("timeoutMs", 1000)
          .put("statements", new JsonArray()
              .add(sql("SELECT set_config('statement_timeout', '0', true) AS off"))
              .add(sql("SELECT pg_sleep(60) AS slept"))));
      assertThat(inTransaction.status()).as(inTransaction.body()).isEqualTo(504);

      // The transaction's 504 comes as the cancel is sent; give the server a moment to act on it.
      assertThat(runningAfterAMoment(this::stillRunning)).as("nothing left running").isZero();
      Response next = gateway.post("/v1/query", sql("SELECT 1 AS one"));
      assertThat(next.status()).as("the pool is whole: " + next.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  /**
   * A cancel reaches the server a moment after it is sent, and stops whatever runs there then: on a
   * reused connection that could be the next caller's statement. So the connection a cancel was sent for
   * is closed, and the pool's one connection is a new session afterwards.
   */
  @Test
  void aConnectionACancelWasSentForIsNeverLentAgain() {
    // At the default timeout no SET precedes a statement, so a transaction can turn its own timeout off and
    // only the gateway's deadline (and its cancel) ends it.
    GatewayUnderTest gateway = onePooledConnection(Map.of(
        "GATEWAY_QUERY_DEFAULT_TIMEOUT_MS", "1000", "GATEWAY_POOL_WAIT_TIMEOUT_MS", "500"));
    try {
      Response before = gateway.post("/v1/query", sql("SELECT pg_backend_pid() AS pid"));
      int firstPid = before.json().getJsonArray("rows").getJsonObject(0).getInteger("pid");
      Response cancelled = gateway.post("/v1/transaction", new JsonObject()
          .put("statements", new JsonArray()
              .add(sql("SELECT set_config('statement_timeout', '0', true) AS off"))
              .add(sql("SELECT pg_sleep(60) AS slept"))));
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(504);
      Response after = gateway.post("/v1/query", sql("SELECT pg_backend_pid() AS pid"));
      assertThat(after.status()).as(after.body()).isEqualTo(200);
      assertThat(after.json().getJsonArray("rows").getJsonObject(0).getInteger("pid"))
          .as("the pool's one connection after a cancel").isNotEqualTo(firstPid);
    } finally {
      gateway.close();
    }
  }
}
