package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three gateway JVMs in one cluster on loopback, against one PostgreSQL: one is killed with SIGKILL under
 * mixed load spread over all three, then restarted; then another is frozen with SIGSTOP for longer than
 * the failure detector, then thawed with SIGCONT (docs/cluster.md).
 */
class ClusterFailureTest {

  private static final String SECRET = "cluster-failure-secret-012345678";
  /** HazelcastCluster.MEMBER_TIMEOUT_SECONDS, and room for the new view to spread. */
  private static final int DETECTOR_SECONDS = 10;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void aKilledInstanceCostsOnlyItsOwnRequestsRejoinsWhenRestartedAndAFrozenOneIsDroppedThenRejoins() throws Exception {
    ThrowawayPostgres postgres = TestServers.postgres();
    String name = "dbgw-fail-" + Long.toString(System.nanoTime(), 36);
    int[] clusterPorts = {FreePorts.take(), FreePorts.take(), FreePorts.take()};
    int[] httpPorts = {FreePorts.take(), FreePorts.take(), FreePorts.take()};
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1] + ",127.0.0.1:" + clusterPorts[2];
    String table = "fail_" + Long.toString(System.nanoTime(), 36);
    ChildGateway[] gateways = new ChildGateway[3];
    try {
      for (int i = 0; i < 3; i++) {
        gateways[i] = ChildGateway.start(env(postgres, name, members, clusterPorts[i], httpPorts[i]));
      }
      for (ChildGateway gateway : gateways) {
        gateway.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      }
      try (Connection sql = postgres.connect(); Statement statement = sql.createStatement()) {
        statement.execute("CREATE TABLE " + table + " (id BIGSERIAL PRIMARY KEY, k TEXT NOT NULL)");
      }
      for (int port : httpPorts) {
        awaitMembers(port, 3);
      }

      // A transaction owned by the third instance, which is about to die.
      String doomed = post(httpPorts[2], "/v1/transactions", new JsonObject()).getString("txId");
      post(httpPorts[0], "/v1/query", new JsonObject().put("txId", doomed)
          .put("sql", "INSERT INTO " + table + " (k) VALUES ('doomed')"));

      // Mixed load on all three; the third is killed under it.
      AtomicBoolean stop = new AtomicBoolean();
      Map<Integer, AtomicInteger> ok = new ConcurrentHashMap<>();
      Map<Integer, List<String>> failures = new ConcurrentHashMap<>();
      List<Thread> clients = new ArrayList<>();
      for (int g = 0; g < 3; g++) {
        int gateway = g;
        ok.put(g, new AtomicInteger());
        failures.put(g, java.util.Collections.synchronizedList(new ArrayList<>()));
        for (int c = 0; c < 2; c++) {
          int client = c;
          Thread thread = new Thread(() -> {
            for (int seq = 0; !stop.get(); seq++) {
              try {
                HttpResponse<String> answer = mixed(httpPorts[gateway], table, gateway + "-" + client + "-" + seq, seq);
                if (answer.statusCode() == 200) {
                  ok.get(gateway).incrementAndGet();
                } else {
                  failures.get(gateway).add(answer.statusCode() + " " + answer.body());
                }
              } catch (Exception e) {
                failures.get(gateway).add(e.toString());
                if (gateway == 2) {
                  return; // the killed instance's clients stop at their first failure
                }
              }
            }
          }, "mixed-" + g + "-" + c);
          thread.start();
          clients.add(thread);
        }
      }
      Thread.sleep(3_000);
      gateways[2].sigkill();
      long killedAt = System.nanoTime();
      awaitMembers(httpPorts[0], 2);
      long reformedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      Thread.sleep(3_000);
      stop.set(true);
      for (Thread thread : clients) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
      }
      assertThat(failures.get(0)).as("answers from the first survivor").isEmpty();
      assertThat(failures.get(1)).as("answers from the second survivor").isEmpty();
      assertThat(ok.get(0).get()).isPositive();
      assertThat(ok.get(1).get()).isPositive();
      assertThat(reformedMs).as("the cluster re-formed within the failure detector's time")
          .isLessThan(TimeUnit.SECONDS.toMillis(DETECTOR_SECONDS + 5));
      HttpResponse<String> gone = send(httpPorts[1], "/v1/query", new JsonObject().put("txId", doomed)
          .put("sql", "SELECT 1 AS one"));
      assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
      assertThat(new JsonObject(gone.body()).getString("detail")).contains("left the cluster");
      assertThat(count(postgres, table, "doomed")).as("nothing of the killed owner's transaction committed").isZero();

      // Restarted, the third instance rejoins and serves again, transactions included.
      gateways[2].close();
      gateways[2] = ChildGateway.start(env(postgres, name, members, clusterPorts[2], httpPorts[2]));
      gateways[2].awaitLine(l -> l.contains("DB Gateway ready"), 180);
      awaitMembers(httpPorts[0], 3);
      String reborn = post(httpPorts[2], "/v1/transactions", new JsonObject()).getString("txId");
      post(httpPorts[0], "/v1/query", new JsonObject().put("txId", reborn)
          .put("sql", "INSERT INTO " + table + " (k) VALUES ('reborn')"));
      post(httpPorts[1], "/v1/transactions/" + reborn + "/commit", null);
      assertThat(count(postgres, table, "reborn")).isEqualTo(1);

      // Frozen past the failure detector, the second instance is dropped; the others keep serving; thawed,
      // it rejoins and serves.
      signal("STOP", gateways[1].pid());
      try {
        awaitMembers(httpPorts[0], 2);
        assertThat(mixed(httpPorts[0], table, "while-frozen-0", 1).statusCode()).isEqualTo(200);
        assertThat(mixed(httpPorts[2], table, "while-frozen-2", 1).statusCode()).isEqualTo(200);
      } finally {
        signal("CONT", gateways[1].pid());
      }
      awaitMembers(httpPorts[0], 3);
      awaitMembers(httpPorts[1], 3);
      assertThat(mixed(httpPorts[1], table, "thawed", 1).statusCode()).isEqualTo(200);
      // Its event-bus addresses are the merged cluster's again: a transaction it owns works through another.
      String thawed = post(httpPorts[1], "/v1/transactions", new JsonObject()).getString("txId");
      awaitUsable(httpPorts[0], thawed);
      post(httpPorts[0], "/v1/transactions/" + thawed + "/rollback", null);
    } finally {
      for (ChildGateway gateway : gateways) {
        if (gateway != null) {
          gateway.close();
        }
      }
    }
  }

  /** One request of the mix: a point select, a keyed insert, or a two-statement transaction. */
  private HttpResponse<String> mixed(int port, String table, String key, int seq) throws Exception {
    return switch (seq % 3) {
      case 0 -> send(port, "/v1/query", new JsonObject().put("sql", "SELECT count(*) AS n FROM " + table));
      case 1 -> send(port, "/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)")
          .put("params", new JsonArray().add(key)), key);
      default -> send(port, "/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)").put("params", new JsonArray().add(key)))
          .add(new JsonObject().put("sql", "SELECT count(*) AS n FROM " + table))));
    };
  }

  private HttpResponse<String> send(int port, String path, JsonObject body) throws Exception {
    return send(port, path, body, null);
  }

  private HttpResponse<String> send(int port, String path, JsonObject body, String idempotencyKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + SECRET);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    request = body == null ? request.POST(HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject post(int port, String path, JsonObject body) throws Exception {
    HttpResponse<String> answer = send(port, path, body);
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  /** Waits (60 s at most) until the gateway's readiness lists {@code members} members. */
  private void awaitMembers(int port, int members) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      last = ready.body();
      assertThat(ready.statusCode()).as("a peer leaving never makes an instance unready: " + last).isEqualTo(200);
      for (Object check : new JsonObject(last).getJsonArray("checks")) {
        JsonObject c = (JsonObject) check;
        if ("cluster".equals(c.getString("id")) && c.getJsonObject("data").getJsonArray("members").size() == members) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the gateway on " + port + " did not see " + members + " members: " + last);
  }

  /** Waits (60 s at most) until {@code txId} answers a statement through the gateway on {@code port}. */
  private void awaitUsable(int port, String txId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last = send(port, "/v1/query", new JsonObject().put("txId", txId).put("sql", "SELECT 1 AS one"));
      if (last.statusCode() == 200) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("transaction " + txId + " was not usable through " + port + ": " + last.body());
  }

  private static int count(ThrowawayPostgres postgres, String table, String k) throws Exception {
    try (Connection sql = postgres.connect(); var statement = sql.prepareStatement(
        "SELECT count(*) FROM " + table + " WHERE k = ?")) {
      statement.setString(1, k);
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static Map<String, String> env(ThrowawayPostgres postgres, String name, String members, int clusterPort,
      int httpPort) {
    return ClusterEnv.of(postgres, name, members, clusterPort, httpPort, "app:write:" + SECRET);
  }
}
