package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM under load, against the real entry point in a child JVM: new requests are refused, in-flight
 * ones that fit in the drain time complete, a transaction that cannot finish is rolled back, the pools
 * are closed, and the process exits 0.
 */
class GracefulShutdownTest {

  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();
  private static final int DRAIN_MS = 3_000;
  private static final int CLIENTS = 4;

  /** One request of a load client, and how it ended. */
  private record Attempt(int client, int seq, long sentNanos, long endedNanos, int status, String error) {
    String tag() {
      return tagOf(client, seq);
    }
  }

  private static String tagOf(int client, int seq) {
    return "c" + client + "s" + seq;
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void sigtermUnderLoadDrainsRollsBackClosesThePoolsAndExitsZero() throws Exception {
    ThrowawayPostgres postgres = TestServers.postgres();
    String table = "shutdown_" + Long.toString(System.nanoTime(), 36);
    try (Connection monitor = postgres.connect()) {
      int monitorPid = (int) queryLong(monitor, "SELECT pg_backend_pid()");
      Set<Integer> before = backends(monitor);

      int port = FreePorts.take();
      try (ChildGateway child = ChildGateway.start(Map.of(
          "DB_TYPE", "postgresql",
          "DB_HOST", postgres.host(),
          "DB_PORT", Integer.toString(postgres.port()),
          "DB_NAME", postgres.database(),
          "DB_USER", postgres.user(),
          "DB_PASS", postgres.password(),
          "GATEWAY_HTTP_PORT", Integer.toString(port),
          "GATEWAY_SHUTDOWN_DRAIN_MS", Integer.toString(DRAIN_MS)))) {
        child.awaitLine(l -> l.contains("DB Gateway ready"), 120);
        // After start-up: Flyway refuses to migrate a schema holding tables it did not create.
        execute(monitor, "CREATE TABLE " + table + " (kind VARCHAR(20) NOT NULL, tag VARCHAR(20))");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        URI transaction = URI.create("http://127.0.0.1:" + port + "/v1/transaction");

        // A transaction that cannot finish within the drain time.
        CompletableFuture<HttpResponse<String>> longOne = send(http, transaction, new JsonObject().put("statements",
            new JsonArray()
                .add(new JsonObject().put("sql", "INSERT INTO " + table + " (kind) VALUES ('marker')"))
                .add(new JsonObject().put("sql", "SELECT pg_sleep(20) AS slept"))));

        // Load: clients running short transactions back to back until the gateway refuses them.
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          Thread t = new Thread(() -> load(http, transaction, table, client, stop, attempts), "load-" + c);
          t.setDaemon(true);
          t.start();
          clients.add(t);
        }

        // Wait until the long transaction and the load are running on the server.
        int longPid = awaitLongTransaction(monitor, table);
        awaitAtLeast(() -> attempts.stream().filter(a -> a.status() == 200).count(), CLIENTS, 30);
        Set<Integer> gatewayBackends = backends(monitor);
        gatewayBackends.removeAll(before);
        gatewayBackends.remove(monitorPid);
        assertThat(gatewayBackends).as("the gateway's connections").contains(longPid).hasSizeGreaterThan(1);

        // The short transactions in the middle of their pg_sleep right now are the in-flight ones.
        Set<String> inFlight = activeTags(monitor);
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); inFlight.isEmpty() && System.nanoTime() < until; ) {
          Thread.sleep(10);
          inFlight = activeTags(monitor);
        }
        long sigterm = System.nanoTime();
        child.sigterm();
        child.awaitLine(l -> l.contains("SIGTERM received"), 10);
        long noticed = System.nanoTime();
        // An impatient second signal must not cut the drain short.
        Thread.sleep(100);
        child.sigterm();

        // New requests during the drain (the long transaction keeps it going) are refused.
        List<String> refusals = new ArrayList<>();
        for (long at : new long[] {300, 1_000, 2_000}) {
          sleepUntil(noticed + TimeUnit.MILLISECONDS.toNanos(at));
          refusals.add(refusal(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5)).build(), transaction, table));
        }

        int status = child.waitForExit(DRAIN_MS / 1000 + 30);
        long exitedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
        stop.set(true);
        for (Thread t : clients) {
          t.join(TimeUnit.SECONDS.toMillis(40));
          assertThat(t.isAlive()).as("a load client is still waiting for an answer").isFalse();
        }
        String output = String.join("\n", child.lines());
        System.err.printf("[GracefulShutdownTest] exit %d after %d ms; in flight at SIGTERM %s; refusals %s; %d requests%n",
            status, exitedAfterMs, inFlight, refusals, attempts.size());

        // 1. exit status 0, soon after the drain time
        assertThat(status).as(output).isZero();
        assertThat(exitedAfterMs).as(output).isLessThan(DRAIN_MS + 5_000);
        assertThat(output).contains("shut down cleanly").doesNotContain("closing took longer");

        // 2. new requests were refused, and none of them ran
        for (String refusal : refusals) {
          assertThat(refusal).as("a request sent after SIGTERM").matches("connection refused|closed|503");
        }
        long lateNanos = noticed + TimeUnit.MILLISECONDS.toNanos(500);
        for (Attempt a : attempts) {
          if (a.sentNanos() > lateNanos) {
            assertThat(a.status()).as("load request %s sent after SIGTERM: %s", a.tag(), a.error()).isNotEqualTo(200);
          }
        }
        assertThat(queryLong(monitor, "SELECT COUNT(*) FROM " + table + " WHERE kind = 'late'")).isZero();

        // 3. in-flight requests that fit in the drain time completed, and their work committed
        assertThat(inFlight).as("short transactions running when SIGTERM was sent; requests: %s", attempts)
            .isNotEmpty();
        for (String tag : inFlight) {
          Attempt a = attempts.stream().filter(x -> x.tag().equals(tag)).findFirst().orElseThrow();
          assertThat(a.status()).as("in-flight %s: %s", tag, a.error()).isEqualTo(200);
          assertThat(a.endedNanos() - sigterm).isLessThan(TimeUnit.MILLISECONDS.toNanos(DRAIN_MS));
        }
        Set<String> acknowledged = new HashSet<>();
        attempts.stream().filter(a -> a.status() == 200).forEach(a -> acknowledged.add(a.tag()));
        assertThat(committedTags(monitor, table)).as("every acknowledged write, and only those")
            .containsExactlyInAnyOrderElementsOf(acknowledged);

        // 4. the long transaction was cut off and rolled back, and no connection of the gateway is left
        HttpResponse<String> longAnswer = longOne.handle((r, e) -> r).get(10, TimeUnit.SECONDS);
        assertThat(longAnswer == null ? 0 : longAnswer.statusCode()).as("the long transaction's answer").isNotEqualTo(200);
        awaitAtLeast(() -> stillConnected(monitor, gatewayBackends).isEmpty() ? 1 : 0, 1, 5);
        assertThat(stillConnected(monitor, gatewayBackends)).as("the gateway's backends after it exited").isEmpty();
        assertThat(queryLong(monitor, "SELECT COUNT(*) FROM " + table + " WHERE kind = 'marker'")).isZero();
      }
    }
  }

  // ---- load ----

  private static void load(HttpClient http, URI uri, String table, int client, AtomicBoolean stop,
      ConcurrentLinkedQueue<Attempt> attempts) {
    for (int seq = 0; !stop.get(); seq++) {
      String tag = tagOf(client, seq);
      JsonObject body = new JsonObject().put("statements", new JsonArray()
          .add(new JsonObject().put("sql", "INSERT INTO " + table + " (kind, tag) VALUES ('load', ?)")
              .put("params", new JsonArray().add(tag)))
          // The tag in the SQL text shows in pg_stat_activity while the statement runs.
          .add(new JsonObject().put("sql", "SELECT pg_sleep(0.5), '" + tag + "' AS tag")));
      long sent = System.nanoTime();
      try {
        HttpResponse<String> r = send(http, uri, body).get(30, TimeUnit.SECONDS);
        attempts.add(new Attempt(client, seq, sent, System.nanoTime(), r.statusCode(), r.body()));
        if (r.statusCode() != 200) {
          return;
        }
      } catch (Exception e) {
        attempts.add(new Attempt(client, seq, sent, System.nanoTime(), 0, String.valueOf(e)));
        return;
      }
    }
  }

  private static CompletableFuture<HttpResponse<String>> send(HttpClient http, URI uri, JsonObject body) {
    return http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** How a fresh request was turned away: "connection refused", "closed", "503", or what it got instead. */
  private static String refusal(HttpClient http, URI uri, String table) {
    JsonObject late = new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (kind) VALUES ('late')")));
    try {
      HttpResponse<String> r = send(http, uri, late).get(30, TimeUnit.SECONDS);
      return Integer.toString(r.statusCode());
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ConnectException) {
        return "connection refused";
      }
      if (cause instanceof IOException) {
        return "closed";
      }
      return String.valueOf(cause);
    }
  }

  // ---- what the database shows ----

  private static Set<Integer> backends(Connection c) throws SQLException {
    Set<Integer> pids = new HashSet<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
      while (rs.next()) {
        pids.add(rs.getInt(1));
      }
    }
    return pids;
  }

  private static Set<Integer> stillConnected(Connection c, Set<Integer> pids) throws SQLException {
    Set<Integer> left = backends(c);
    left.retainAll(pids);
    return left;
  }

  private static int awaitLongTransaction(Connection c, String table) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(20)%'"
              + " AND pid <> pg_backend_pid()")) {
        if (rs.next()) {
          return rs.getInt(1);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the long transaction on " + table + " never started");
  }

  /** The tags of the load transactions whose pg_sleep is running now. */
  private static Set<String> activeTags(Connection c) throws SQLException {
    Set<String> tags = new HashSet<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT substring(query from '''(c[0-9]+s[0-9]+)''') FROM pg_stat_activity"
            + " WHERE state = 'active' AND query LIKE '%pg_sleep(0.5)%' AND pid <> pg_backend_pid()")) {
      while (rs.next()) {
        if (rs.getString(1) != null) {
          tags.add(rs.getString(1));
        }
      }
    }
    return tags;
  }

  private static List<String> committedTags(Connection c, String table) throws SQLException {
    List<String> tags = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tag FROM " + table + " WHERE kind = 'load'")) {
      while (rs.next()) {
        tags.add(rs.getString(1));
      }
    }
    return tags;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // ---- helpers ----

  private interface Count {
    long get() throws Exception;
  }

  private static void awaitAtLeast(Count count, long wanted, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (count.get() < wanted && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }


}
