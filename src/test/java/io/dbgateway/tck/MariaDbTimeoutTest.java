package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MariaDbTimeoutTest extends TimeoutTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  /**
   * MariaDB's per-statement limit ends each statement, but a unit of many statements that each stay
   * within it can outlive the unit's deadline: the gateway then stops the running one with KILL QUERY
   * from a connection of its own (the protocol has no cancel request), answers 504 at the deadline,
   * leaves nothing running on the server, and the one pooled connection serves the next request.
   */
  @Test
  void aTransactionPastItsDeadlineIsKilledOnTheServer() throws Exception {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "500");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      JsonArray statements = new JsonArray();
      for (int i = 0; i < 12; i++) {
        statements.add(new JsonObject().put("sql", "SELECT SLEEP(0.9) AS dbgw_kill_me"));
      }
      Response slept = gateway.post("/v1/transaction", new JsonObject().put("timeoutMs", 1000).put("statements", statements));
      assertThat(slept.status()).as(slept.body()).isEqualTo(504);
      assertThat(slept.json().getString("code")).isEqualTo("TIMEOUT");

      // Without the kill the statements would go on for 10 s more; give the server a moment to act on it.
      assertThat(runningAfterAMoment(() -> engine().runningStatements("dbgw_kill_me"))).as("nothing left running").isZero();
      Response next = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one"));
      assertThat(next.status()).as("the pool is whole: " + next.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }
}
