package io.dbgateway.galera;

import static io.dbgateway.testing.Await.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.resilience.RetryPolicy;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.GaleraCluster;
import io.dbgateway.testing.LogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover on a real 3-node Galera cluster, through an in-process gateway: the writer SIGKILLed under
 * concurrent idempotent writes, quorum lost and recovered, certification conflicts, a node rejoining, a
 * node desynced. Every test leaves the cluster with 3 Synced nodes.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class GaleraFailoverTest {

  /** The monitor's poll interval in these tests, unless a test overrides it. */
  private static final long POLL_MS = 500;

  private static GaleraCluster cluster;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Every cluster view the monitor published on {@link GaleraMonitor#STATE_ADDRESS}, with when it arrived. */
  private final List<StateEvent> events = new CopyOnWriteArrayList<>();
  private GatewayUnderTest gateway;
  private LogCapture monitorLog;
  private LogCapture retryLog;

  @BeforeAll
  static void startCluster() {
    cluster = GaleraCluster.get();
  }

  @BeforeEach
  void threeSyncedNodes() {
    restoreCluster();
    monitorLog = LogCapture.attach(GaleraMonitor.class);
    retryLog = LogCapture.attach(RetryPolicy.class);
  }

  @AfterEach
  void restore() {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      monitorLog.detach();
      retryLog.detach();
      restoreCluster();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writer failover
  // ---------------------------------------------------------------------------------------------

  @Test
  void writerFailoverResumesOnANewWriterAndKeepsEveryAcknowledgedWriteExactlyOnce() throws Exception {
    startGateway(Map.of());
    String table = Engine.uniqueTable("failover");
    ok(query("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL,"
        + " client INT NOT NULL, KEY (k))"));
    String flags = table + "_flags";
    ok(query("CREATE TABLE " + flags + " (id INT PRIMARY KEY, flag TINYINT(1) NOT NULL, doc JSON)"));
    ok(query("INSERT INTO " + flags + " (id, flag, doc) VALUES (1, 1, '{\"a\": 1}')"));
    // The column type probe's own connection is opened now, on the writer of start-up.
    assertThat(ok(query("SELECT flag FROM " + flags)).body().getJsonArray("rows").getJsonObject(0).getValue("flag"))
        .isEqualTo(true);
    String oldWriter = awaitWriter(Duration.ofSeconds(20));
    int eventMark = events.size();
    int logMark = monitorLog.mark();

    Writers writers = new Writers("fo", 4, (client, key) -> new JsonObject()
        .put("sql", "INSERT INTO " + table + " (k, client) VALUES (?, ?)").put("params", new JsonArray().add(key).add(client)));
    writers.start();
    try {
      writers.awaitAcks(a -> true, 20, Duration.ofSeconds(60));
      assertThat(writers.acks()).allMatch(a -> a.node().equals(oldWriter), "before the kill every write runs on the writer");

      long killStarted = System.nanoTime();
      cluster.killNode(nodeIndex(oldWriter));
      long killed = System.nanoTime();

      Ack first = writers.awaitAcks(a -> a.answered() > killStarted && !a.node().equals(oldWriter), 1,
          Duration.ofSeconds(60)).get(0);
      double failover = (first.answered() - killStarted) / 1e9;
      long failedBetween = writers.answers().stream()
          .filter(a -> a.status() != 200 && a.answered() > killStarted && a.answered() <= first.answered()).count();
      System.out.printf("writer failover: killed %s (kill-node took %.2f s); first write acknowledged on %s %.2f s"
          + " after the kill started; %d requests failed in between (statuses %s)%n", oldWriter,
          (killed - killStarted) / 1e9, first.node(), failover, failedBetween, writers.statusCounts());
      long detected = eventsSince(eventMark).stream()
          .filter(e -> !nodeIn(e.view(), oldWriter).getBoolean("eligible")).findFirst().orElseThrow().at();
      System.out.printf("writer failover: the monitor took %s out %.2f s after the kill started; the first write on the"
          + " new writer came %.2f s after that (Galera's suspect timeout stalls the survivors)%n", oldWriter,
          (detected - killStarted) / 1e9, (first.answered() - detected) / 1e9);
      assertThat(failover).as("seconds from the SIGKILL to the first write acknowledged by a new writer").isLessThan(30);
      String newWriter = first.node();
      assertThat(newWriter).isNotEqualTo(oldWriter);
      assertThat(galera(readiness()).getString("writer")).isEqualTo(newWriter);
      // A statement seen for the first time still has its columns' types read (TINYINT(1) is a boolean, JSON is
      // JSON), by the column type probe, which started on the old writer and moves to a node that answers.
      Answer flag = query("SELECT flag AS f, doc FROM " + flags + " WHERE id = 1");
      assertThat(flag.status()).as(flag.body().encode()).isEqualTo(200);
      assertThat(flag.body().getJsonArray("rows").getJsonObject(0).getValue("f")).as(flag.body().encode()).isEqualTo(true);
      assertThat(flag.body().getJsonArray("rows").getJsonObject(0).getValue("doc")).as(flag.body().encode())
          .isEqualTo(new JsonObject().put("a", 1));

      // Writes go on through the new writer, and while the old node rejoins (IST).
      int acked = writers.acks().size();
      writers.awaitAcks(a -> a.node().equals(newWriter), 20, Duration.ofSeconds(60));
      cluster.startNode(nodeIndex(oldWriter));
      // The writer is sticky: the old node's return does not take the role back at once.
      assertThat(galera(readiness()).getString("writer")).isEqualTo(newWriter);
      int afterRejoin = writers.acks().size();
      writers.awaitAcks(a -> true, afterRejoin + 20, Duration.ofSeconds(60));
      assertThat(writers.acks().size()).isGreaterThan(acked);

      // Gateway instances agree once the cluster has settled: one started now picks the rule's writer (priority,
      // then lowest wsrep_local_index), and the running one gives way to it after FAILBACK_ROUNDS polls. Writes
      // go on meanwhile, so a planned writer move is covered by the exactly-once check below too.
      Map<String, String> env = new HashMap<>(Engine.GALERA.env());
      env.put("GATEWAY_GALERA_POLL_MS", "500");
      GatewayUnderTest fresh = GatewayUnderTest.start(env);
      try {
        String freshWriter = galera(fresh.get("/health/ready").json()).getString("writer");
        String runningWriter = galera(readiness()).getString("writer");
        long started = System.nanoTime();
        awaitTrue(Duration.ofMillis(GaleraMonitor.FAILBACK_ROUNDS * 500L * 3 + 10_000),
            () -> galera(readiness()).getString("writer").equals(galera(fresh.get("/health/ready").json()).getString("writer")));
        String agreed = galera(readiness()).getString("writer");
        System.out.printf("writer failover: after the rejoin the running gateway wrote to %s, a gateway started then chose"
            + " %s; they agree on %s after %.2f s; wsrep_local_index by node: %s%n", runningWriter, freshWriter, agreed,
            (System.nanoTime() - started) / 1e9, localIndexes());
        assertThat(agreed).isEqualTo(freshWriter);
        // Writes acknowledged from now on land on the agreed writer (count only new ones: earlier ones may too).
        long agreedAt = System.nanoTime();
        assertThat(writers.awaitAcks(a -> a.node().equals(agreed) && a.answered() > agreedAt, 10,
            Duration.ofSeconds(60))).hasSize(10);
      } finally {
        fresh.close();
      }
    } finally {
      writers.stopAndResolve(Duration.ofSeconds(120));
    }

    assertThat(writers.unresolved()).as("keys still without a 200 after resending").isEmpty();
    List<String> acked = writers.acks().stream().map(Ack::key).toList();
    assertThat(acked).doesNotHaveDuplicates();
    System.out.printf("writer failover: %d writes acknowledged, answers by status %s, %d replayed%n", acked.size(),
        writers.statusCounts(), writers.acks().stream().filter(Ack::replayed).count());
    // The gateway settled every keyed write that met the dead writer itself: the client saw latency, no error.
    assertThat(writers.answers()).as("keyed answers by status").allMatch(a -> a.status() == 200,
        "every keyed answer is 200: " + writers.statusCounts());

    for (int n = 1; n <= 3; n++) {
      Map<String, Integer> rows = new HashMap<>();
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT k, COUNT(*) FROM " + table + " GROUP BY k")) {
        while (rs.next()) {
          rows.put(rs.getString(1), rs.getInt(2));
        }
      }
      assertThat(rows.keySet()).as("keys on node %d", n).containsExactlyInAnyOrderElementsOf(acked);
      int node = n;
      assertThat(rows).allSatisfy((k, count) -> assertThat(count).as("rows with key %s on node %d", k, node).isEqualTo(1));
    }

    // The monitor published and logged the writer's death and the new writer.
    assertThat(eventsSince(eventMark)).anySatisfy(e -> {
      assertThat(e.view().getString("writer")).isNotEqualTo(oldWriter).isNotNull();
      assertThat(nodeIn(e.view(), oldWriter).getBoolean("eligible")).isFalse();
    });
    assertThat(monitorLog.messagesSince(logMark))
        .anyMatch(m -> m.startsWith("galera node " + oldWriter + " is now DOWN"))
        .anyMatch(m -> m.startsWith("galera writer is now ") && m.contains("(was " + oldWriter + ")"));
  }

  @Test
  void aKilledWriterIsTakenOutByLiveTrafficAndNoKeyedWriteSeesAnError() throws Exception {
    // Probes only every 10 s: within the first seconds after the kill, only live traffic can take the writer out.
    startGateway(Map.of("GATEWAY_GALERA_POLL_MS", "10000"));
    for (int attempt = 1; ; attempt++) {
      String firstDown = killTheWriterUnderKeyedWrites();
      // The one exception: a probe whose query was on the wire when the node died sees the same reset at
      // the same instant, and may take the writer out first (a CI run saw it once). That is no later than
      // live traffic, but it is not what this test checks: run the scenario again, once, on a whole cluster.
      // Were live traffic not taking the writer out, a probe would do it in both attempts, and the second
      // fails here.
      boolean probeOnTheWire = firstDown.contains("probe failed: Failed to read any response");
      if (firstDown.contains("live traffic") || !probeOnTheWire || attempt == 2) {
        assertThat(firstDown).as("the first reason the writer went down").contains("live traffic");
        return;
      }
      System.out.println("live traffic: a probe on the wire took the writer out first; running it again");
      restoreCluster();
    }
  }

  /**
   * Keyed and unkeyed writes, the writer killed under them: every keyed write answered 200 and written once,
   * every unkeyed one 200 or 503.
   *
   * @return the first reason the monitor logged for the dead writer's going down
   */
  private String killTheWriterUnderKeyedWrites() throws Exception {
    String table = Engine.uniqueTable("livedown");
    ok(query("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, KEY (k))"));
    String oldWriter = awaitWriter(Duration.ofSeconds(60));
    int logMark = monitorLog.mark();
    Writers keyed = new Writers("lk", 4, (client, key) -> insert(table, key));
    Writers unkeyed = new Writers("lu", 1, (client, key) -> insert(table, key)).withoutKeys();
    keyed.start();
    unkeyed.start();
    try {
      keyed.awaitAcks(a -> true, 20, Duration.ofSeconds(60));
      long killStarted = System.nanoTime();
      cluster.killNode(nodeIndex(oldWriter));
      keyed.awaitAcks(a -> !a.replayed() && !a.node().equals(oldWriter) && a.answered() > killStarted, 20,
          Duration.ofSeconds(90));
    } finally {
      keyed.stopAndResolve(Duration.ofSeconds(120));
      unkeyed.stopNow(Duration.ofSeconds(60));
    }
    List<String> down = monitorLog.messagesSince(logMark).stream()
        .filter(m -> m.startsWith("galera node " + oldWriter + " is now DOWN")).toList();
    System.out.printf("live traffic: %s taken out by \"%s\"; keyed answers %s (%d replayed), unkeyed answers %s%n",
        oldWriter, down.isEmpty() ? "-" : down.get(0), keyed.statusCounts(),
        keyed.acks().stream().filter(Ack::replayed).count(), unkeyed.statusCounts());
    assertThat(down).as("the dead writer's DOWN messages").isNotEmpty();

    assertThat(keyed.unresolved()).isEmpty();
    assertThat(keyed.answers()).as("keyed answers").allMatch(a -> a.status() == 200,
        "0 non-2xx for keyed writes: " + keyed.statusCounts());
    assertThat(unkeyed.answers()).as("unkeyed answers: a 200, or today's honest 503")
        .allMatch(a -> a.status() == 200 || a.status() == 503, unkeyed.statusCounts().toString());
    List<String> acked = keyed.acks().stream().map(Ack::key).toList();
    assertThat(acked).doesNotHaveDuplicates();
    Set<String> unkeyedAcked = new TreeSet<>(unkeyed.acks().stream().map(Ack::key).toList());
    for (int n = 1; n <= 3; n++) {
      if (n == nodeIndex(oldWriter)) {
        continue; // still down: restoring the cluster restarts it
      }
      Map<String, Integer> rows = new HashMap<>();
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT k, COUNT(*) FROM " + table + " GROUP BY k")) {
        while (rs.next()) {
          rows.put(rs.getString(1), rs.getInt(2));
        }
      }
      int node = n;
      assertThat(rows).allSatisfy((k, count) -> assertThat(count).as("rows with key %s on node %d", k, node).isEqualTo(1));
      Set<String> keyedRows = new TreeSet<>(rows.keySet());
      keyedRows.removeIf(k -> k.startsWith("lu-"));
      assertThat(keyedRows).as("keyed writes on node %d: every acknowledged one, once, and no other", n)
          .containsExactlyInAnyOrderElementsOf(acked);
      assertThat(rows.keySet()).as("acknowledged unkeyed writes on node %d", n).containsAll(unkeyedAcked);
    }
    return down.get(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Quorum loss
  // ---------------------------------------------------------------------------------------------

  @Test
  void quorumLossAnswersFast503sAcknowledgesNoWriteAndRecoversWithoutARestart() throws Exception {
    startGateway(Map.of());
    String table = Engine.uniqueTable("quorum");
    ok(query("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, KEY (k))"));
    String writer = awaitWriter(Duration.ofSeconds(20));
    ok(write(insert(table, "before"), "before-" + table));
    int w = nodeIndex(writer);
    int survivor = w % 3 + 1;
    int other = survivor % 3 + 1;

    cluster.killNode(w);
    cluster.killNode(other);
    long lost = System.nanoTime();

    Writers writers = new Writers("q", 4, (client, key) -> insert(table, key));
    Writers unkeyed = new Writers("u", 1, (client, key) -> insert(table, key)).withoutKeys();
    writers.start();
    unkeyed.start();
    long down;
    long known;
    try {
      // Readiness goes DOWN once the survivor reports non-Primary (after Galera's suspect timeout).
      down = awaitTrue(Duration.ofSeconds(40), () -> {
        GatewayUnderTest.Response ready = gateway.get("/health/ready");
        return ready.status() == 503 && "DOWN".equals(check(ready.json(), "galera").getString("status"));
      });
      System.out.printf("quorum loss: readiness DOWN %.2f s after the second kill%n", (down - lost) / 1e9);
      // For a few polls after the writer went the cluster may only be re-forming, and keyed writes wait for its
      // writer (GaleraMonitor.REFORMING_POLLS); past them, quorum loss is known.
      known = down + TimeUnit.MILLISECONDS.toNanos(GaleraMonitor.REFORMING_POLLS * POLL_MS);
      sleep(Math.max(0, (known - System.nanoTime()) / 1_000_000));

      // From then on every request is a fast 503 with Retry-After.
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        boolean read = i % 4 == 3;
        long start = System.nanoTime();
        Answer a = read
            ? send("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table).put("readOnly", true), null)
            : send("/v1/query", insert(table, "late-" + i), "late-" + table + "-" + i);
        millis.add((System.nanoTime() - start) / 1_000_000);
        assertThat(a.status()).as("answer %d: %s", i, a.body()).isEqualTo(503);
        assertThat(a.retryAfter()).as("Retry-After of answer %d", i).isNotNull();
      }
      System.out.printf("quorum loss: 503 answer times (ms) %s%n", millis);
      assertThat(millis).allMatch(ms -> ms < 3_000, "every answer within 3 s");
      assertThat(millis.stream().filter(ms -> ms < 1_000).count()).as("answers within 1 s").isGreaterThanOrEqualTo(16);

      // Keep the writers going a little longer, then stop them.
      Thread.sleep(2_000);
    } finally {
      writers.stopNow(Duration.ofSeconds(60));
      unkeyed.stopNow(Duration.ofSeconds(60));
    }
    System.out.printf("quorum loss: writers with keys got %s, without keys %s; slowest answer %d ms; answers other"
        + " than 503: %s%n", writers.statusCounts(), unkeyed.statusCounts(),
        java.util.stream.Stream.concat(writers.answers().stream(), unkeyed.answers().stream())
            .mapToLong(Answer::millis).max().orElse(0),
        java.util.stream.Stream.concat(writers.answers().stream(), unkeyed.answers().stream())
            .filter(a -> a.status() != 503).map(Answer::body).distinct().toList());
    for (Writers ws : List.of(writers, unkeyed)) {
      assertThat(ws.answers()).as("requests sent while quorum was lost").hasSizeGreaterThan(4);
      assertThat(ws.acks()).as("writes acknowledged while quorum was lost").isEmpty();
      assertThat(ws.answers()).allMatch(a -> a.status() == 503, "every answer is a 503: " + ws.statusCounts());
      assertThat(ws.answers()).allMatch(a -> a.millis() < 15_000, "no answer hangs (Galera's suspect timeout is ~5 s)");
      assertThat(ws.answers().stream().filter(a -> a.sent() > down))
          .allMatch(a -> a.millis() < 3_000 + GaleraMonitor.REFORMING_POLLS * POLL_MS,
              "no longer than the re-forming polls once readiness is DOWN");
      assertThat(ws.answers().stream().filter(a -> a.sent() > known))
          .allMatch(a -> a.millis() < 3_000, "fast once quorum loss is known");
    }

    // Recover the cluster; the same gateway serves again.
    cluster.bootstrapNode(survivor);
    long recovered = System.nanoTime();
    Answer served = awaitAnswer(Duration.ofSeconds(60), () -> send("/v1/query", insert(table, "after"), "after-" + table),
        a -> a.status() == 200);
    System.out.printf("quorum loss: first write served %.2f s after the survivor was bootstrapped, on %s%n",
        (System.nanoTime() - recovered) / 1e9, served.body().getString("node"));
    assertThat(served.body().getString("node")).isEqualTo(nodeName(survivor));
    cluster.startNode(w);
    cluster.startNode(other);
    awaitTrue(Duration.ofSeconds(30), () -> gateway.get("/health/ready").status() == 200);
    ok(write(insert(table, "after-rejoin"), "after-rejoin-" + table));

    for (int n = 1; n <= 3; n++) {
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT k FROM " + table + " ORDER BY k")) {
        List<String> keys = new ArrayList<>();
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
        assertThat(keys).as("rows on node %d: nothing written while quorum was lost", n)
            .containsExactlyInAnyOrder("after", "after-rejoin", "before");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Certification conflicts
  // ---------------------------------------------------------------------------------------------

  @Test
  void certificationConflictsAreRetriedAndTheCountersStayExact() throws Exception {
    startGateway(Map.of("GATEWAY_RETRY_MAX_ATTEMPTS", "10", "GATEWAY_RETRY_INITIAL_DELAY_MS", "10",
        "GATEWAY_RETRY_MAX_DELAY_MS", "200"));
    String table = Engine.uniqueTable("counter");
    ok(query("CREATE TABLE " + table + " (id INT PRIMARY KEY, n BIGINT NOT NULL)"));
    ok(query("INSERT INTO " + table + " (id, n) VALUES (1, 0), (2, 0)"));
    // Every increment also writes its key into a ledger in the same transaction: a mismatch then names the
    // write that was acknowledged but is missing (or present but never acknowledged).
    String ledger = table + "_ledger";
    ok(query("CREATE TABLE " + ledger + " (k VARCHAR(100) PRIMARY KEY)"));
    String writer = awaitWriter(Duration.ofSeconds(20));
    int direct = nodeIndex(writer) % 3 + 1; // another node
    int logMark = retryLog.mark();
    int rows = 2;
    int target = 60;

    // Through the gateway: an increment held open for a moment (10 ms), so a write from the other node can land
    // inside it and abort it (a brute-force abort or a certification failure, 1213 either way).
    AtomicInteger[] gatewayAcks = {new AtomicInteger(), new AtomicInteger()};
    Writers writers = new Writers("cc", 2, (client, key) -> {
      int row = (int) (Long.parseLong(key.substring(key.lastIndexOf('-') + 1)) % rows) + 1;
      return new JsonObject().put("statements", new JsonArray()
          .add(new JsonObject().put("sql", "UPDATE " + table + " SET n = n + 1 WHERE id = ?").put("params", new JsonArray().add(row)))
          .add(new JsonObject().put("sql", "INSERT INTO " + ledger + " (k) VALUES (?)").put("params", new JsonArray().add(key)))
          .add(new JsonObject().put("sql", "SELECT SLEEP(0.01) AS s")));
    }).path("/v1/transaction");

    // Directly on another node, with its own retry on 1213: one increment after another, each held 5 ms, with
    // random pauses so that neither side starves the other.
    AtomicInteger[] directAcks = {new AtomicInteger(), new AtomicInteger()};
    AtomicInteger directConflicts = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> directErrors = new CopyOnWriteArrayList<>();
    List<Thread> directThreads = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    java.util.Random random = new java.util.Random(42);
    for (int t = 0; t < 1; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        try (Connection c = cluster.connect(direct)) {
          c.setAutoCommit(false);
          for (int i = 0; !stop.get() && System.nanoTime() < deadline; i++) {
            int row = (i + thread) % rows + 1;
            for (int attempt = 1; ; attempt++) {
              try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + table + " SET n = n + 1 WHERE id = " + row);
                s.executeUpdate("INSERT INTO " + ledger + " (k) VALUES ('direct-" + i + "')");
                Thread.sleep(5);
                c.commit();
                directAcks[row - 1].incrementAndGet();
                Thread.sleep(random.nextInt(40));
                break;
              } catch (SQLException e) {
                safeRollback(c);
                if (e.getErrorCode() != 1213 || attempt >= 100) {
                  throw e;
                }
                directConflicts.incrementAndGet();
              }
            }
          }
        } catch (Throwable e) {
          directErrors.add(e);
        }
      }, "direct-writer-" + t);
      directThreads.add(th);
    }

    writers.start();
    directThreads.forEach(Thread::start);
    try {
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < end && directErrors.isEmpty()
          && (writers.acks().size() < target || directAcks[0].get() + directAcks[1].get() < target)) {
        sleep(100);
      }
    } finally {
      stop.set(true);
      writers.stopAndResolve(Duration.ofSeconds(60));
      for (Thread th : directThreads) {
        th.join(30_000);
      }
    }
    assertThat(directErrors).as("direct writers' failures").isEmpty();
    assertThat(writers.unresolved()).isEmpty();
    for (Ack a : writers.acks()) {
      int row = (int) (Long.parseLong(a.key().substring(a.key().lastIndexOf('-') + 1)) % rows) + 1;
      gatewayAcks[row - 1].incrementAndGet();
    }
    List<String> retries = retryLog.messagesSince(logMark).stream()
        .filter(m -> m.startsWith("transaction attempt") && (m.contains("1213") || m.contains("Deadlock"))).toList();
    long lateAborts = retries.stream().filter(m -> m.contains("reported it late")).count();
    System.out.printf("certification conflicts: %d increments through the gateway (%s), %d direct on %s (%d direct"
        + " 1213s); the gateway retried %d attempts after 1213 (%d of them caught by the commit guard), e.g. %s%n",
        writers.acks().size(), writers.statusCounts(), directAcks[0].get() + directAcks[1].get(), nodeName(direct),
        directConflicts.get(), retries.size(), lateAborts, retries.isEmpty() ? "-" : retries.get(0));
    assertThat(writers.acks().size()).isGreaterThanOrEqualTo(target);
    assertThat(directAcks[0].get() + directAcks[1].get()).isGreaterThanOrEqualTo(target);
    assertThat(writers.acks()).allMatch(a -> a.node().equals(writer), "the gateway wrote through the writer");
    assertThat(retries).as("gateway retries after a certification conflict (1213)").isNotEmpty();

    Set<String> acknowledged = new TreeSet<>();
    writers.acks().forEach(a -> acknowledged.add(a.key()));
    for (int i = 0; i < directAcks[0].get() + directAcks[1].get(); i++) {
      acknowledged.add("direct-" + i);
    }
    for (int n = 1; n <= 3; n++) {
      try (Connection c = cluster.connect(n); Statement s = c.createStatement()) {
        // Galera applies another node's commits asynchronously: a causal read waits until this node has
        // applied every write the cluster committed before it (the direct writer's last ones included).
        s.execute("SET SESSION wsrep_sync_wait = 1");
        Set<String> committed = new TreeSet<>();
        try (ResultSet keys = s.executeQuery("SELECT k FROM " + ledger)) {
          while (keys.next()) {
            committed.add(keys.getString(1));
          }
        }
        Set<String> lost = new TreeSet<>(acknowledged);
        lost.removeAll(committed);
        Set<String> unacknowledged = new TreeSet<>(committed);
        unacknowledged.removeAll(acknowledged);
        int node = n;
        assertThat(lost).as("acknowledged writes missing on node %d; their answers: %s", node,
            lost.stream().map(k -> k + "=" + writers.history(k)).toList()).isEmpty();
        assertThat(unacknowledged).as("committed but never acknowledged on node %d", node).isEmpty();
        ResultSet rs = s.executeQuery("SELECT id, n FROM " + table + " ORDER BY id");
        for (int row = 1; row <= rows; row++) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(2)).as("row %d on node %d", row, n)
              .isEqualTo(gatewayAcks[row - 1].get() + directAcks[row - 1].get());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rejoin
  // ---------------------------------------------------------------------------------------------

  @Test
  void restartedNodeIsEligibleOnlyAfterTwoPassingProbesAndThenTakesReads() throws Exception {
    // The default poll interval, so the two probes are a second apart.
    startGateway(Map.of("GATEWAY_GALERA_POLL_MS", "1000"));
    for (int attempt = 1; ; attempt++) {
      int logMark = monitorLog.mark();
      try {
        rejoin(logMark);
        return;
      } catch (AssertionError failed) {
        // On these 2 shared cores the cluster itself sometimes loses its Primary Component while the
        // restarted node takes its state transfer: every node reports non-Primary, and the gateway
        // rightly answers 503. That is the cluster, not what this test checks: run the scenario again on a
        // whole cluster (a CI run saw the cluster lose it in two attempts in a row). The gateway's own
        // faults fail at once, and so does a third loss.
        boolean clusterLostQuorum = monitorLog.messagesSince(logMark).stream()
            .anyMatch(m -> m.contains("cluster status is non-Primary"));
        if (!clusterLostQuorum || attempt == 3) {
          throw failed;
        }
        System.out.println("rejoin: the cluster lost its Primary Component during attempt " + attempt + "; running it again");
        awaitTrue(Duration.ofSeconds(180), () -> galera(readiness()).getJsonArray("nodes").stream()
            .map(JsonObject.class::cast).allMatch(n -> n.getBoolean("eligible")));
      }
    }
  }

  /** One rejoin: a readable non-writer is killed, restarted, and watched until it takes reads again. */
  private void rejoin(int logMark) throws Exception {
    String writer = awaitWriter(Duration.ofSeconds(20));
    String node = readableNonWriter(writer);
    int eventMark = events.size();

    cluster.killNode(nodeIndex(node));
    awaitTrue(Duration.ofSeconds(20), () -> !nodeIn(galera(readiness()), node).getBoolean("up"));
    awaitTrue(Duration.ofSeconds(5), () -> eventsSince(eventMark).stream()
        .anyMatch(e -> !nodeIn(e.view(), node).getBoolean("eligible")));

    Readers readers = new Readers();
    readers.start();
    long restarted;
    try {
      cluster.startNode(nodeIndex(node));
      restarted = System.nanoTime();
      awaitTrue(Duration.ofSeconds(30), () -> eventsSince(eventMark).stream()
          .anyMatch(e -> nodeIn(e.view(), node).getBoolean("eligible")));
      awaitTrue(Duration.ofSeconds(20), () -> readers.reads().stream().anyMatch(r -> node.equals(r.node())));
    } finally {
      readers.stop();
    }

    List<StateEvent> changes = eventsSince(eventMark);
    StateEvent eligible = changes.stream().filter(e -> nodeIn(e.view(), node).getBoolean("eligible")).findFirst().orElseThrow();
    Optional<StateEvent> onePass = changes.stream()
        .filter(e -> e.at() < eligible.at())
        .filter(e -> reasons(nodeIn(e.view(), node)).stream().anyMatch(r -> r.contains("passing probes in a row (1 so far)")))
        .findFirst();
    System.out.printf("rejoin: %s states %s; eligible %.2f s after start-node returned; first read on it after %.2f s%n",
        node, changes.stream().map(e -> describe(nodeIn(e.view(), node))).toList(), (eligible.at() - restarted) / 1e9,
        (readers.reads().stream().filter(r -> node.equals(r.node())).findFirst().orElseThrow().answered() - restarted) / 1e9);
    assertThat(onePass).as("a published state with one passing probe, before the node was eligible").isPresent();
    assertThat(eligible.at() - onePass.get().at()).as("nanoseconds between the first and second passing probe")
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(100));
    // No read went to the node while it was down or had passed only one probe.
    assertThat(readers.reads()).filteredOn(r -> node.equals(r.node()))
        .allMatch(r -> r.sent() > onePass.get().at(), "reads on " + node + " were sent after it passed its probes");
    assertThat(readers.reads()).allMatch(r -> r.status() == 200, "reads keep working: " + readers.statuses());
    assertThat(monitorLog.messagesSince(logMark))
        .anyMatch(m -> m.startsWith("galera node " + node + " is now DOWN: probe failed"))
        .anyMatch(m -> m.startsWith("galera node " + node + " is now ") && m.endsWith("waiting for 2 passing probes in a row (1 so far)"))
        .anyMatch(m -> m.equals("galera node " + node + " is now ELIGIBLE"));
  }

  // ---------------------------------------------------------------------------------------------
  // Desync
  // ---------------------------------------------------------------------------------------------

  @Test
  void desyncedNodeLeavesRoutingAndComesBack() throws Exception {
    startGateway(Map.of());
    String writer = awaitWriter(Duration.ofSeconds(20));
    String node = readableNonWriter(writer);
    int eventMark = events.size();
    int logMark = monitorLog.mark();

    try (Connection c = cluster.connect(nodeIndex(node)); Statement s = c.createStatement()) {
      s.execute("SET GLOBAL wsrep_desync = ON");
    }
    awaitTrue(Duration.ofSeconds(15), () -> {
      JsonObject view = nodeIn(galera(readiness()), node);
      return !view.getBoolean("eligible") && reasons(view).stream().anyMatch(r -> r.contains("wsrep_desync"));
    });
    JsonObject out = nodeIn(galera(readiness()), node);
    System.out.printf("desync: %s%n", describe(out));
    assertThat(out.getBoolean("readable")).isFalse();
    assertThat(galera(readiness()).getString("writer")).isEqualTo(writer);
    Map<String, Integer> nodes = new TreeMap<>();
    for (int i = 0; i < 12; i++) {
      Answer read = send("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("readOnly", true), null);
      assertThat(read.status()).isEqualTo(200);
      nodes.merge(read.body().getString("node"), 1, Integer::sum);
    }
    assertThat(nodes).as("reads while %s is desynced", node).doesNotContainKey(node).isNotEmpty();
    ok(query("SELECT 1 AS one"));

    try (Connection c = cluster.connect(nodeIndex(node)); Statement s = c.createStatement()) {
      s.execute("SET GLOBAL wsrep_desync = OFF");
    }
    awaitTrue(Duration.ofSeconds(20), () -> nodeIn(galera(readiness()), node).getBoolean("eligible"));
    awaitAnswer(Duration.ofSeconds(20),
        () -> send("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("readOnly", true), null),
        a -> a.status() == 200 && node.equals(a.body().getString("node")));

    List<StateEvent> changes = eventsSince(eventMark);
    System.out.printf("desync: %s states %s%n", node, changes.stream().map(e -> describe(nodeIn(e.view(), node))).toList());
    int out1 = indexOf(changes, e -> !nodeIn(e.view(), node).getBoolean("eligible")
        && reasons(nodeIn(e.view(), node)).stream().anyMatch(r -> r.contains("wsrep_desync")));
    int back = indexOf(changes, e -> nodeIn(e.view(), node).getBoolean("eligible"));
    assertThat(out1).as("a published state with %s desynced", node).isGreaterThanOrEqualTo(0);
    assertThat(back).as("a published state with %s eligible again", node).isGreaterThan(out1);
    assertThat(changes.subList(out1, back)).as("one passing probe first")
        .anyMatch(e -> reasons(nodeIn(e.view(), node)).stream().anyMatch(r -> r.contains("(1 so far)")));
    assertThat(monitorLog.messagesSince(logMark))
        .anyMatch(m -> m.startsWith("galera node " + node + " is now UP but not eligible") && m.contains("wsrep_desync is ON"))
        .anyMatch(m -> m.equals("galera node " + node + " is now ELIGIBLE"));
  }

  // ---------------------------------------------------------------------------------------------
  // The gateway under test
  // ---------------------------------------------------------------------------------------------

  private void startGateway(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Engine.GALERA.env());
    env.put("GATEWAY_GALERA_POLL_MS", String.valueOf(POLL_MS));
    env.put("GATEWAY_BREAKER_RESET_TIMEOUT_MS", "1000");
    env.putAll(overrides);
    gateway = GatewayUnderTest.start(env);
    gateway.vertx().eventBus().<JsonObject>consumer(GaleraMonitor.STATE_ADDRESS,
        message -> events.add(new StateEvent(System.nanoTime(), message.body())));
  }

  private record StateEvent(long at, JsonObject view) {}

  private List<StateEvent> eventsSince(int mark) {
    return List.copyOf(events.subList(mark, events.size()));
  }

  private static <T> int indexOf(List<T> list, Predicate<T> test) {
    for (int i = 0; i < list.size(); i++) {
      if (test.test(list.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private JsonObject readiness() {
    return gateway.get("/health/ready").json();
  }

  private static JsonObject check(JsonObject ready, String id) {
    for (Object c : ready.getJsonArray("checks", new JsonArray())) {
      JsonObject check = (JsonObject) c;
      if (id.equals(check.getString("id"))) {
        return check;
      }
    }
    throw new AssertionError("no check " + id + " in " + ready.encode());
  }

  /** The Galera view readiness reports: {@code writer} and {@code nodes}. */
  private static JsonObject galera(JsonObject ready) {
    return check(ready, "galera").getJsonObject("data");
  }

  private static JsonObject nodeIn(JsonObject view, String node) {
    for (Object n : view.getJsonArray("nodes")) {
      if (node.equals(((JsonObject) n).getString("node"))) {
        return (JsonObject) n;
      }
    }
    throw new AssertionError("no node " + node + " in " + view.encode());
  }

  private static List<String> reasons(JsonObject node) {
    return node.getJsonArray("reasons", new JsonArray()).stream().map(String::valueOf).toList();
  }

  private static String describe(JsonObject node) {
    return (node.getBoolean("eligible") ? "eligible" : node.getBoolean("up") ? "up" : "down") + reasons(node);
  }

  private String awaitWriter(Duration limit) {
    awaitTrue(limit, () -> galera(readiness()).getString("writer") != null);
    return galera(readiness()).getString("writer");
  }

  /** An eligible, readable node that is not the writer (the highest port, for a stable choice). */
  private String readableNonWriter(String writer) {
    awaitTrue(Duration.ofSeconds(20), () -> galera(readiness()).getJsonArray("nodes").stream()
        .map(JsonObject.class::cast).filter(n -> n.getBoolean("readable")).count() == 3);
    return GaleraCluster.SQL_PORTS.stream().map(GaleraFailoverTest::portName)
        .filter(n -> !n.equals(writer)).reduce((a, b) -> b).orElseThrow();
  }

  private static Map<String, String> localIndexes() throws SQLException {
    Map<String, String> indexes = new TreeMap<>();
    for (int n = 1; n <= 3; n++) {
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'wsrep_local_index'")) {
        indexes.put(nodeName(n), rs.next() ? rs.getString(2) : null);
      }
    }
    return indexes;
  }

  private static String nodeName(int n) {
    return "127.0.0.1:" + GaleraCluster.SQL_PORTS.get(n - 1);
  }

  private static String portName(int port) {
    return "127.0.0.1:" + port;
  }

  private static int nodeIndex(String node) {
    return GaleraCluster.SQL_PORTS.indexOf(Integer.parseInt(node.substring(node.lastIndexOf(':') + 1))) + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------------------------

  /** One HTTP answer, with when it was sent and answered (System.nanoTime); status -1 if none came. */
  record Answer(int status, JsonObject body, String retryAfter, boolean replayed, long sent, long answered) {
    long millis() {
      return (answered - sent) / 1_000_000;
    }
  }

  private Answer send(String path, JsonObject body, String idempotencyKey) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    long sent = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonObject json;
      try {
        json = new JsonObject(response.body());
      } catch (RuntimeException e) {
        json = new JsonObject().put("raw", response.body());
      }
      return new Answer(response.statusCode(), json, response.headers().firstValue("Retry-After").orElse(null),
          response.headers().firstValue("Idempotent-Replayed").isPresent(), sent, System.nanoTime());
    } catch (IOException e) {
      return new Answer(-1, new JsonObject().put("error", String.valueOf(e)), null, false, sent, System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Answer query(String sql) {
    return send("/v1/query", new JsonObject().put("sql", sql), null);
  }

  private Answer write(JsonObject body, String key) {
    return send("/v1/query", body, key);
  }

  private static JsonObject insert(String table, String key) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)").put("params", new JsonArray().add(key));
  }

  private static Answer ok(Answer answer) {
    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
    return answer;
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrent idempotent writers
  // ---------------------------------------------------------------------------------------------

  /** A write the gateway acknowledged (200): its key, the node that ran it, and when. */
  record Ack(String key, String node, boolean replayed, long sent, long answered) {}

  interface Body {
    JsonObject of(int client, String key);
  }

  /**
   * Clients that each send one write after another, each with its own Idempotency-Key: a new key after a
   * 200, the same key again after anything else (after a short pause). Bounded in time.
   */
  private final class Writers {
    private final String prefix;
    private final int clients;
    private final Body body;
    private String path = "/v1/query";
    private boolean keyed = true;
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final List<String> unresolved = new CopyOnWriteArrayList<>();
    private final Map<String, List<Answer>> history = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean abandon = new AtomicBoolean();
    private final AtomicLong seq = new AtomicLong();
    private final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);

    Writers(String prefix, int clients, Body body) {
      this.prefix = prefix + "-" + Long.toString(System.nanoTime(), 36);
      this.clients = clients;
      this.body = body;
    }

    Writers path(String path) {
      this.path = path;
      return this;
    }

    /** Sends without an Idempotency-Key (autocommit), and never resends: each request is a new write. */
    Writers withoutKeys() {
      this.keyed = false;
      return this;
    }

    void start() {
      for (int c = 0; c < clients; c++) {
        int client = c;
        Thread t = new Thread(() -> run(client), "gateway-writer-" + c);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void run(int client) {
      while (!stop.get() && System.nanoTime() < deadline) {
        String key = prefix + "-" + client + "-" + seq.getAndIncrement();
        JsonObject request = body.of(client, key);
        boolean done = false;
        for (int attempt = 0; !done && !abandon.get() && System.nanoTime() < deadline && attempt < 2_000; attempt++) {
          Answer a = send(path, request, keyed ? key : null);
          answers.add(a);
          history.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(a);
          if (a.status() == 200) {
            acks.add(new Ack(key, a.body().getString("node"), a.replayed(), a.sent(), a.answered()));
            done = true;
          } else {
            sleep(100);
            done = !keyed;
          }
        }
        if (!done) {
          unresolved.add(key);
          return;
        }
      }
    }

    /** Waits until {@code count} acknowledged writes match {@code test}; answers those. */
    List<Ack> awaitAcks(Predicate<Ack> test, int count, Duration limit) {
      awaitTrue(limit, () -> acks.stream().filter(test).count() >= count);
      return acks.stream().filter(test).limit(count).toList();
    }

    /** Stops sending new keys; each client first resends its last key until it is acknowledged. */
    void stopAndResolve(Duration limit) throws InterruptedException {
      stop.set(true);
      join(limit);
    }

    /** Stops at once, leaving any last key unacknowledged. */
    void stopNow(Duration limit) throws InterruptedException {
      stop.set(true);
      abandon.set(true);
      join(limit);
      unresolved.clear();
    }

    private void join(Duration limit) throws InterruptedException {
      long end = System.nanoTime() + limit.toNanos();
      for (Thread t : threads) {
        t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      }
      abandon.set(true);
      for (Thread t : threads) {
        t.join(10_000);
        assertThat(t.isAlive()).as("%s still running", t.getName()).isFalse();
      }
    }

    List<Ack> acks() {
      return List.copyOf(acks);
    }

    List<Answer> answers() {
      return List.copyOf(answers);
    }

    List<String> unresolved() {
      return List.copyOf(unresolved);
    }

    /** Every answer the key got, in order: status, replayed, and the body. */
    List<String> history(String key) {
      return history.getOrDefault(key, List.of()).stream()
          .map(a -> a.status() + (a.replayed() ? " replayed " : " ") + a.body().encode()).toList();
    }

    Map<Integer, Long> statusCounts() {
      return answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
    }
  }

  /** One client sending read-only queries, one after another, until stopped. */
  private final class Readers {
    record Read(int status, String node, long sent, long answered) {}

    private final List<Read> reads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread = new Thread(this::run, "gateway-reader");
    private final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!stop.get() && System.nanoTime() < deadline) {
        Answer a = send("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("readOnly", true), null);
        reads.add(new Read(a.status(), a.body().getString("node"), a.sent(), a.answered()));
        sleep(50);
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(70_000);
      assertThat(thread.isAlive()).isFalse();
    }

    List<Read> reads() {
      return List.copyOf(reads);
    }

    Map<Integer, Long> statuses() {
      return reads.stream().collect(Collectors.groupingBy(Read::status, TreeMap::new, Collectors.counting()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Waiting, logs, the cluster
  // ---------------------------------------------------------------------------------------------

  /** Polls {@code condition} every 100 ms until it holds; answers when (System.nanoTime), or fails after {@code limit}. */
  private static long awaitTrue(Duration limit, BooleanSupplier condition) {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return System.nanoTime();
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("not true within " + limit);
      }
      sleep(100);
    }
  }

  private static Answer awaitAnswer(Duration limit, java.util.function.Supplier<Answer> send, Predicate<Answer> wanted) {
    long end = System.nanoTime() + limit.toNanos();
    Answer last = null;
    while (System.nanoTime() < end) {
      last = send.get();
      if (wanted.test(last)) {
        return last;
      }
      sleep(250);
    }
    throw new AssertionError("no wanted answer within " + limit + "; the last was " + last);
  }

  private static void safeRollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection reports the same failure again; the next statement will tell
    }
  }

  /** Brings the cluster back to 3 Synced nodes, whatever a test left. */
  private static void restoreCluster() {
    cluster.restore();
  }
}
