package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GATEWAY_TX_MAX_OPEN_PER_KEY} holds for the cluster (issue #15, item 4): three gateway JVMs on
 * loopback, one PostgreSQL. A key at its cap through A and C is refused on B with the documented 429; the
 * count follows the transactions' ends through any instance; the count of a member killed with SIGKILL is
 * released, and the cap is exact again right after.
 */
class ClusterTransactionCapTest {

  private static final String SECRET = "cluster-txcap-secret-0123456789ab";
  private static final String OTHER_SECRET = "cluster-txcap-other-0123456789ab";
  private static final int CAP = 2;

  private final ClusterHttp http = new ClusterHttp(SECRET, Duration.ofSeconds(30));

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aKeysOpenTransactionsAreCappedAcrossTheClusterAndAKilledMembersCountIsReleased() throws Exception {
    ThrowawayPostgres postgres = TestServers.postgres();
    String name = "dbgw-txcap-" + Long.toString(System.nanoTime(), 36);
    int[] clusterPorts = {FreePorts.take(), FreePorts.take(), FreePorts.take()};
    String[] base = new String[3];
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1] + ",127.0.0.1:" + clusterPorts[2];
    ChildGateway[] gateways = new ChildGateway[3];
    try {
      for (int i = 0; i < 3; i++) {
        int httpPort = FreePorts.take();
        base[i] = "http://127.0.0.1:" + httpPort;
        Map<String, String> env = ClusterEnv.of(postgres, name, members, clusterPorts[i], httpPort,
            "app:write:" + SECRET + ",other:write:" + OTHER_SECRET);
        env.put("GATEWAY_TX_MAX_OPEN", "4");
        // No transaction of the test times out on its own: only the kill and the ends release places.
        env.put("GATEWAY_TX_IDLE_TIMEOUT_MS", "280000");
        env.put("GATEWAY_TX_MAX_OPEN_PER_KEY", Integer.toString(CAP));
        gateways[i] = ChildGateway.start(env);
      }
      for (ChildGateway gateway : gateways) {
        gateway.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      }
      for (String gateway : base) {
        http.awaitMembers(gateway, 3, 60);
      }
      String a = base[0];
      String b = base[1];
      String c = base[2];

      // The key's two places are taken on A and on C: B, which holds none of them, refuses a third.
      String onA = begin(a);
      String onC = begin(c);
      assertCapped(b);
      assertCapped(a); // A holds one, below the cap on its own: the cluster's count refuses it
      // The cap is each key's: another key begins on B.
      HttpResponse<String> other = http.send(b, "/v1/transactions", new JsonObject(), OTHER_SECRET, null);
      assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
      String otherTx = new JsonObject(other.body()).getString("txId");

      // A transaction ended through another instance than its owner frees its place for the whole cluster.
      http.post(b, "/v1/transactions/" + onA + "/rollback", null);
      String onB = awaitBegin(b);
      assertCapped(a);

      // C is killed holding one of the key's places: its count goes with it, and the cap is exact after.
      gateways[2].sigkill();
      http.awaitMembers(a, 2, 60);
      http.awaitMembers(b, 2, 60);
      String afterKill = awaitBegin(a);
      assertCapped(a);
      assertCapped(b);
      HttpResponse<String> gone = http.send(a, "/v1/query", new JsonObject().put("txId", onC).put("sql", "SELECT 1 AS n"));
      assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);

      // Every end gives its place back: both places are free again.
      http.post(a, "/v1/transactions/" + onB + "/commit", null);
      http.post(b, "/v1/transactions/" + afterKill + "/rollback", null);
      http.send(b, "/v1/transactions/" + otherTx + "/rollback", null, OTHER_SECRET, null);
      String again1 = awaitBegin(b);
      String again2 = awaitBegin(a);
      assertCapped(b);
      http.post(a, "/v1/transactions/" + again1 + "/rollback", null);
      http.post(b, "/v1/transactions/" + again2 + "/rollback", null);
    } finally {
      ChildGateway.closeAll(gateways);
    }
  }

  private String begin(String gateway) throws Exception {
    return http.post(gateway, "/v1/transactions", new JsonObject()).getString("txId");
  }

  /** A begin of the capped key through {@code gateway} is the documented refusal: 429, naming the setting. */
  private void assertCapped(String gateway) throws Exception {
    HttpResponse<String> refused = http.send(gateway, "/v1/transactions", new JsonObject());
    assertThat(refused.statusCode()).as(gateway + ": " + refused.body()).isEqualTo(429);
    JsonObject problem = new JsonObject(refused.body());
    assertThat(problem.getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(problem.getString("detail")).contains("across the cluster").contains("GATEWAY_TX_MAX_OPEN_PER_KEY");
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
  }

  /**
   * Begins through {@code gateway} once the cluster has freed a place (60 s at most): an end lowers the
   * shared count a moment after it is answered, and a dead member's count goes at its membership event.
   */
  private String awaitBegin(String gateway) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    HttpResponse<String> last;
    do {
      last = http.send(gateway, "/v1/transactions", new JsonObject());
      if (last.statusCode() == 200) {
        return new JsonObject(last.body()).getString("txId");
      }
      assertThat(last.statusCode()).as(last.body()).isEqualTo(429);
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no place of the key was released: " + last.body());
  }
}
