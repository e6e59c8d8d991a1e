package io.dbgateway.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.testing.Await;
import io.dbgateway.testing.KeyedWriters;
import io.dbgateway.testing.KeyedWriters.Answer;
import io.dbgateway.testing.NetnsGaleraCluster;
import io.dbgateway.testing.NetnsGaleraCluster.Namespace;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One gateway instance cut off from its peers by the network, not killed (issue #15, "Partitions, not only
 * kills"): three gateway JVMs, each in a network namespace of its own on the bridge of a
 * {@link NetnsGaleraCluster} (whose nodes are their database), and the third one's link taken down. It
 * keeps running with its sockets open. The other two keep serving; its transaction answers 404 through
 * them; once the link is back it merges into the cluster, does not serve the transaction the cluster
 * declared gone, and serves again.
 */
class ClusterPartitionTest {

  private static final String SECRET = "cluster-partition-secret-0123456";
  private static final int HTTP_PORT = 8080;
  private static final int CLUSTER_PORT = 5701;

  private final ClusterHttp http = new ClusterHttp(SECRET, Duration.ofSeconds(30));

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void aGatewayCutOffFromItsPeersIsDroppedTheOthersServeAndBackItServesNoTransactionTheClusterDeclaredGone()
      throws Exception {
    withGateways(this::partitionOneOf);
  }

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void aGatewayCutOffFromItsPeersButNotFromTheDatabaseWritesNowhereWhileTheOthersMoveTheWriter() throws Exception {
    withGateways(this::cutFromPeersOnly);
  }

  private interface Scenario {
    void run(NetnsGaleraCluster cluster, ChildGateway[] gateways) throws Exception;
  }

  /** Runs {@code scenario} on a fresh namespaced Galera cluster; prints the gateways' last lines if it fails. */
  private static void withGateways(Scenario scenario) throws Exception {
    try (NetnsGaleraCluster cluster = NetnsGaleraCluster.start()) {
      ChildGateway[] gateways = new ChildGateway[3];
      try {
        scenario.run(cluster, gateways);
      } catch (Throwable failure) {
        // What each gateway logged, to tell why (CI keeps only the test's own output).
        for (int i = 0; i < gateways.length; i++) {
          if (gateways[i] != null) {
            List<String> lines = gateways[i].lines();
            System.out.printf("--- gateway g%d's last lines ---%n%s%n", i + 1,
                String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size())));
          }
        }
        throw failure;
      } finally {
        // before the cluster's namespaces go (which would end them anyway)
        ChildGateway.closeAll(gateways);
      }
    }
  }

  /**
   * Starts three clustered gateways, each in a namespace of its own ({@code g1}..{@code g3}), all at once on
   * the fresh database, and waits until each sees the three; their base URLs. The third prefers the Galera
   * nodes in the reverse order, so a writer it chose on its own would differ from the others' first choice.
   */
  private String[] startGateways(NetnsGaleraCluster cluster, ChildGateway[] gateways, Namespace[] spaces)
      throws Exception {
    String name = "dbgw-part-" + Long.toString(System.nanoTime(), 36);
    String members = String.join(",", List.of(spaces).stream().map(s -> s.address() + ":" + CLUSTER_PORT).toList());
    List<String> nodes = List.of(cluster.hosts().split(","));
    String[] base = new String[3];
    for (int i = 0; i < 3; i++) {
      // Each namespace has ports of its own: every gateway listens on the same port numbers.
      base[i] = "http://" + spaces[i].address() + ":" + HTTP_PORT;
      Map<String, String> env = new HashMap<>(cluster.env());
      env.put("GATEWAY_HTTP_HOST", spaces[i].address());
      env.put("GATEWAY_HTTP_PORT", Integer.toString(HTTP_PORT));
      env.put("GATEWAY_API_KEYS", "app:write:" + SECRET);
      env.put("GATEWAY_CLUSTER", "true");
      env.put("GATEWAY_CLUSTER_NAME", name);
      env.put("GATEWAY_CLUSTER_HOST", spaces[i].address());
      env.put("GATEWAY_CLUSTER_PORT", Integer.toString(CLUSTER_PORT));
      env.put("GATEWAY_CLUSTER_MEMBERS", members);
      env.put("GATEWAY_GALERA_POLL_MS", "500");
      env.put("GATEWAY_TX_IDLE_TIMEOUT_MS", "280000");
      env.put("GATEWAY_GALERA_WRITER_PRIORITY", String.join(",", i == 2 ? reversed(nodes) : nodes));
      Namespace space = spaces[i];
      gateways[i] = ChildGateway.start(env, List.of(), space::wrap);
    }
    for (ChildGateway gateway : gateways) {
      gateway.awaitLine(l -> l.contains("DB Gateway ready"), 240);
    }
    for (String gateway : base) {
      http.awaitMembers(gateway, 3, 90);
    }
    return base;
  }

  private void partitionOneOf(NetnsGaleraCluster cluster, ChildGateway[] gateways) throws Exception {
    Namespace[] spaces = {cluster.netHost("g1"), cluster.netHost("g2"), cluster.netHost("g3")};
    String[] base = startGateways(cluster, gateways, spaces);
    // All three started at once on the fresh database: they took the cluster's migrations lock in turn
    // (Flyway takes none on Galera), so each migration ran once.
    for (String history : List.of("flyway_schema_history", "dbgateway_schema_history")) {
      assertThat(versionsRunTwiceOrFailed(cluster, history)).as("versions in %s run twice or failed", history).isEmpty();
    }
    String table = "cpart_" + Long.toString(System.nanoTime(), 36);
    http.post(base[0], "/v1/query", new JsonObject().put("sql", "CREATE TABLE " + table
        + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, KEY (k))"));

    // A transaction owned by the instance about to be cut off, and one owned by a survivor, each used
    // through another instance.
    String cutOwned = begin(base[2]);
    insert(base[0], cutOwned, table, "cut-owned");
    String survivorOwned = begin(base[0]);
    insert(base[2], survivorOwned, table, "survivor-owned");

    // Keyed writes through the two that stay connected.
    KeyedWriters writers = new KeyedWriters(List.of(base[0], base[1]), SECRET, 4, Duration.ofSeconds(30),
        (client, key) -> new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)")
            .put("params", new JsonArray().add(key)));
    writers.start();
    writers.awaitAcks(a -> true, 10, Duration.ofSeconds(120));

    long cutAt = System.nanoTime();
    cluster.cut("g3");
    try {
      http.awaitMembers(base[0], 2, 60);
      http.awaitMembers(base[1], 2, 60);
      System.out.printf("gateway partition: the others dropped the cut-off instance %.2f s after the cut%n",
          (System.nanoTime() - cutAt) / 1e9);
      // The others keep serving.
      long dropped = System.nanoTime();
      writers.awaitAcks(a -> a.sent() > dropped, 20, Duration.ofSeconds(60));
      // The cut-off instance's transaction answers 404 through them; a survivor's works through the other.
      HttpResponse<String> gone = http.send(base[1], "/v1/query", new JsonObject().put("txId", cutOwned)
          .put("sql", "SELECT 1 AS one"));
      assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
      assertThat(new JsonObject(gone.body()).getString("detail")).contains("left the cluster");
      http.post(base[1], "/v1/query", new JsonObject().put("txId", survivorOwned).put("sql", "SELECT 1 AS one"));
      // A client of the cut-off instance gets no answer at all: its packets go nowhere.
      HttpClient impatient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      assertThatThrownBy(() -> impatient.send(HttpRequest.newBuilder(URI.create(base[2] + "/health/live"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()))
          .as("a request to the cut-off instance").isInstanceOf(java.io.IOException.class);
    } finally {
      cluster.heal("g3");
    }
    long healedAt = System.nanoTime();

    // Back on the network, it merges into the cluster again.
    http.awaitMembers(base[0], 3, 120);
    http.awaitMembers(base[2], 3, 120);
    System.out.printf("gateway partition: merged back %.2f s after the heal%n", (System.nanoTime() - healedAt) / 1e9);
    // It does not serve the transaction that the others declared gone (404, rolled back), through itself or
    // through another, and nothing of it committed.
    Await.until("the cut-off instance's transaction is gone through that instance",
        () -> http.send(base[2], "/v1/query", new JsonObject().put("txId", cutOwned).put("sql", "SELECT 1 AS one"))
            .statusCode(), status -> status == 404, 60_000);
    // Through another: a 503 (retry) while that one has not learned its address again, then the 404.
    Await.until("the cut-off instance's transaction is gone through another instance",
        () -> http.send(base[0], "/v1/query", new JsonObject().put("txId", cutOwned).put("sql", "SELECT 1 AS one")),
        gone -> gone.statusCode() != 503, 60_000);
    HttpResponse<String> stillGone = http.send(base[0], "/v1/query", new JsonObject().put("txId", cutOwned)
        .put("sql", "SELECT 1 AS one"));
    assertThat(stillGone.statusCode()).as(stillGone.body()).isEqualTo(404);
    HttpResponse<String> noCommit = http.send(base[0], "/v1/transactions/" + cutOwned + "/commit", null);
    assertThat(noCommit.statusCode()).as(noCommit.body()).isEqualTo(404);
    assertThat(count(cluster, table, "cut-owned")).as("nothing of the declared-gone transaction committed").isZero();

    // It serves again: a transaction it owns, used and committed through the others; the survivor's
    // transaction, committed through it.
    // (Its Galera monitor needs two passing probes per node after the heal before it has a writer again.)
    String reborn = new JsonObject(Await.until("a transaction begun on the instance that was cut off",
        () -> http.send(base[2], "/v1/transactions", new JsonObject()), r -> r.statusCode() == 200, 60_000)
        .body()).getString("txId");
    // Right after the merge the others may not list its event-bus address yet (Vert.x registers it again
    // after Hazelcast's MERGED event), and a hop to it answers 404 meanwhile, as ClusterFailureTest saw
    // after SIGCONT: wait until each hop works before using it.
    awaitUsable(base[1], reborn);
    awaitUsable(base[2], survivorOwned);
    insert(base[1], reborn, table, "reborn");
    http.post(base[0], "/v1/transactions/" + reborn + "/commit", null);
    http.post(base[2], "/v1/transactions/" + survivorOwned + "/commit", null);
    assertThat(count(cluster, table, "reborn")).isEqualTo(1);
    assertThat(count(cluster, table, "survivor-owned")).isEqualTo(1);

    writers.stopAndResolve(Duration.ofSeconds(120));
    List<String> acked = writers.acks().stream().map(Answer::key).toList();
    System.out.printf("gateway partition: %d keyed writes through the two others, answers by status %s%n",
        acked.size(), writers.statusCounts());
    assertThat(writers.non2xx()).as("answers from the instances that stayed connected: %s", writers.statusCounts())
        .isZero();
    Map<String, Integer> rows = cluster.rowsByK(1, table);
    for (String key : acked) {
      assertThat(rows.get(key)).as("rows of acknowledged key %s", key).isEqualTo(1);
    }
    assertThat(rows.keySet()).as("rows: the acknowledged keys and the test's own, nothing else")
        .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(acked.stream(),
            java.util.stream.Stream.of("survivor-owned", "reborn")).toList());
  }

  /**
   * The third gateway loses its peers but not the database (blackhole routes between its namespace and
   * theirs): Hazelcast runs it as a cluster of its own, with its own copy of the shared writer choice, while
   * it still reaches every Galera node. It must write nowhere (503: it sees 1 of the 2 instances it needs),
   * even once the Galera writer is cut off and the other two move to a new one that its own priority would
   * not pick; back with its peers, it writes to the cluster's writer. Nothing it refused was written.
   */
  private void cutFromPeersOnly(NetnsGaleraCluster cluster, ChildGateway[] gateways) throws Exception {
    Namespace[] spaces = {cluster.netHost("g1"), cluster.netHost("g2"), cluster.netHost("g3")};
    String[] base = startGateways(cluster, gateways, spaces);
    String table = "cpeer_" + Long.toString(System.nanoTime(), 36);
    http.post(base[0], "/v1/query", new JsonObject().put("sql", "CREATE TABLE " + table
        + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, KEY (k))"));
    String writer = Await.until("the three instances write to one node", () -> List.of(
            writeOn(base[0], table, "w1"), writeOn(base[1], table, "w2"), writeOn(base[2], table, "w3")),
        on -> on.stream().distinct().count() == 1, 60_000).get(0);

    // Keyed writes through the two instances that keep their peers, all along.
    KeyedWriters writers = new KeyedWriters(List.of(base[0], base[1]), SECRET, 4, Duration.ofSeconds(30),
        (client, key) -> insert(table, key));
    writers.start();
    writers.awaitAcks(a -> true, 10, Duration.ofSeconds(120));

    cluster.cutBetween(spaces[2], spaces[0]);
    cluster.cutBetween(spaces[2], spaces[1]);
    int writerNode = cluster.nodeIndex(writer);
    String newWriter;
    try {
      http.awaitMembers(base[0], 2, 60);
      http.awaitMembers(base[1], 2, 60);
      http.awaitMembers(base[2], 1, 60);
      HttpResponse<String> refused = Await.until("a write through the instance cut off from its peers is refused",
          () -> http.send(base[2], "/v1/query", insert(table, "cut-1")), r -> r.statusCode() != 200, 60_000);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(new JsonObject(refused.body()).getString("detail")).contains("sees 1 of the 2");
      assertThat(count(cluster, table, "cut-1")).as("the refused write").isZero();

      // The writer node is cut off: the two others move to a new writer together; the third, which reaches
      // the two Galera nodes left and would choose the other one of them, still writes nowhere.
      cluster.cut("n" + writerNode);
      // (A write that went to the writer as it was cut waits out its timeoutMs: the node never answers.)
      HttpResponse<String> moved = Await.until("a write through a connected instance after the writer's cut",
          () -> http.send(base[0], "/v1/query", insert(table, "moved-1").put("timeoutMs", 5000)),
          r -> r.statusCode() == 200, 120_000);
      newWriter = new JsonObject(moved.body()).getString("node");
      assertThat(newWriter).as("the new writer").isNotEqualTo(writer);
      assertThat(writeOn(base[1], table, "moved-2")).as("the other connected instance's writer").isEqualTo(newWriter);
      HttpResponse<String> still = http.send(base[2], "/v1/query", insert(table, "cut-2"));
      assertThat(still.statusCode()).as(still.body()).isEqualTo(503);
      long movedAt = System.nanoTime();
      String movedTo = newWriter;
      writers.awaitAcks(a -> a.sent() > movedAt && movedTo.equals(a.node()), 20, Duration.ofSeconds(60));
    } finally {
      cluster.heal("n" + writerNode);
      cluster.healBetween(spaces[2], spaces[0]);
      cluster.healBetween(spaces[2], spaces[1]);
    }

    // Back with its peers, it writes where they do.
    http.awaitMembers(base[2], 3, 120);
    List<String> together = Await.until("the instance back with its peers writes where they do", () -> {
      HttpResponse<String> third = http.send(base[2], "/v1/query", insert(table, "back"));
      return third.statusCode() != 200 ? List.of("-" + third.statusCode(), "")
          : List.of(new JsonObject(third.body()).getString("node"), writeOn(base[0], table, "with-back"));
    }, on -> on.get(0).equals(on.get(1)), 120_000);
    System.out.printf("gateway peer cut: writer %s, then %s; back with its peers the third writes on %s%n", writer,
        newWriter, together.get(0));
    // Read on the new writer: the old one may still be rejoining (its state transfer) and refuse clients.
    int stayed = cluster.nodeIndex(newWriter);
    assertThat(count(cluster, stayed, table, "cut-1") + count(cluster, stayed, table, "cut-2"))
        .as("writes refused while cut off").isZero();

    // The keyed writes through the other two saw the writer's cut as latency only, and each acknowledged one
    // is in the database once, on every node (the old writer included, back in the cluster).
    writers.stopAndResolve(Duration.ofSeconds(120));
    System.out.printf("gateway peer cut: %d keyed writes through the two others, answers by status %s%n",
        writers.acks().size(), writers.statusCounts());
    assertThat(writers.unresolved()).as("keyed writes never answered 200").isEmpty();
    assertThat(writers.non2xx()).as("answers to keyed writes: %s", writers.statusCounts()).isZero();
    List<String> acked = writers.acks().stream().map(Answer::key).toList();
    for (int n : List.of(cluster.nodeIndex(newWriter), writerNode)) {
      Map<String, Integer> rows = Await.until("node " + n + " has every acknowledged keyed write",
          () -> {
            try {
              return cluster.rowsByK(n, table);
            } catch (java.sql.SQLException rejoining) {
              return Map.<String, Integer>of(); // the old writer refuses clients until its state transfer ends
            }
          }, r -> r.keySet().containsAll(acked), 120_000);
      for (String key : acked) {
        assertThat(rows.get(key)).as("rows of acknowledged key %s on node %d", key, n).isEqualTo(1);
      }
      assertThat(rows.keySet().stream().filter(k -> k.startsWith("kw-")).toList()).as("keyed rows on node %d", n)
          .containsExactlyInAnyOrderElementsOf(acked);
    }
  }

  /** Inserts {@code k} through {@code gateway} (it must answer 200); the node that took the write. */
  private String writeOn(String gateway, String table, String k) throws Exception {
    return http.post(gateway, "/v1/query", insert(table, k)).getString("node");
  }

  private static JsonObject insert(String table, String k) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)").put("params", new JsonArray().add(k));
  }

  private static List<String> reversed(List<String> nodes) {
    List<String> copy = new java.util.ArrayList<>(nodes);
    java.util.Collections.reverse(copy);
    return copy;
  }

  /**
   * Waits (120 s at most) until {@code txId} answers a statement through {@code gateway}. An attempt left
   * unanswered for 10 s counts as "not yet": once in CI, right after the merge, a hop to the owner went
   * unanswered for 30 s (the gateways' logs are printed when this test fails, to tell why).
   */
  private void awaitUsable(String gateway, String txId) throws Exception {
    ClusterHttp patient = new ClusterHttp(SECRET, Duration.ofSeconds(10));
    Await.until("transaction " + txId + " usable through " + gateway, () -> {
      try {
        return patient.send(gateway, "/v1/query", new JsonObject().put("txId", txId).put("sql", "SELECT 1 AS one"))
            .statusCode();
      } catch (java.net.http.HttpTimeoutException unanswered) {
        System.out.printf("gateway partition: a hop through %s went unanswered for 10 s%n", gateway);
        return 0;
      }
    }, status -> status == 200, 120_000);
  }

  private String begin(String gateway) throws Exception {
    return http.post(gateway, "/v1/transactions", new JsonObject()).getString("txId");
  }

  private void insert(String gateway, String txId, String table, String k) throws Exception {
    http.post(gateway, "/v1/query", new JsonObject().put("txId", txId)
        .put("sql", "INSERT INTO " + table + " (k) VALUES (?)").put("params", new JsonArray().add(k)));
  }

  /** The versions that {@code history} (a Flyway history table) records more than once, or as failed. */
  private static List<String> versionsRunTwiceOrFailed(NetnsGaleraCluster cluster, String history) throws Exception {
    try (Connection c = cluster.connect(1); PreparedStatement s = c.prepareStatement("SELECT version FROM " + history
        + " WHERE version IS NOT NULL GROUP BY version HAVING COUNT(*) > 1 OR MIN(success) = 0");
        ResultSet rows = s.executeQuery()) {
      List<String> versions = new java.util.ArrayList<>();
      while (rows.next()) {
        versions.add(rows.getString(1));
      }
      return versions;
    }
  }

  private static int count(NetnsGaleraCluster cluster, String table, String k) throws Exception {
    return count(cluster, 1, table, k);
  }

  /** The rows of {@code table} whose {@code k} is {@code k}, read on node {@code n}. */
  private static int count(NetnsGaleraCluster cluster, int n, String table, String k) throws Exception {
    try (Connection c = cluster.connect(n); PreparedStatement s = c.prepareStatement(
        "SELECT COUNT(*) FROM " + table + " WHERE k = ?")) {
      s.setString(1, k);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }
}
