package io.dbgateway.resilience;

import static io.dbgateway.resilience.Resilience.breakerState;
import static io.dbgateway.resilience.Resilience.check;
import static io.dbgateway.resilience.Resilience.fromOpenBreaker;
import static io.dbgateway.resilience.Resilience.sql;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.Await;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The circuit breaker around each database node: what counts against it, how it answers while open,
 * how readiness and the logs show it, and how it closes again when the database is back. Runs against
 * its own PostgreSQL (which it kills and freezes) and its own SQLite file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CircuitBreakerTest {

  private static final int MAX_FAILURES = 3;
  private static final long RESET_MS = 3000;

  private ThrowawayPostgres postgres;
  private BreakerLog log;
  private GatewayUnderTest gateway;
  private Path sqliteDir;

  @BeforeAll
  void startServer() throws IOException {
    postgres = new ThrowawayPostgres();
    postgres.start();
    sqliteDir = Files.createTempDirectory("dbgw-breaker-sqlite-");
    log = BreakerLog.attach();
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
      gateway = null;
    }
    signalPostgres("CONT"); // in case a test failed while the server was frozen
    postgres.start(); // in case a test failed while it was down
  }

  @AfterAll
  void stopServer() throws IOException {
    log.detach();
    postgres.destroy();
    try (Stream<Path> files = Files.walk(sqliteDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private GatewayUnderTest startPostgresGateway(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(Map.of(
        "GATEWAY_BREAKER_MAX_FAILURES", Integer.toString(MAX_FAILURES),
        "GATEWAY_BREAKER_RESET_TIMEOUT_MS", Long.toString(RESET_MS),
        "GATEWAY_POOL_CONNECT_TIMEOUT_MS", "1000",
        // one attempt per request, so each request is exactly one call under the breaker
        "GATEWAY_RETRY_MAX_ATTEMPTS", "1"));
    all.putAll(settings);
    gateway = GatewayUnderTest.start(Resilience.env("postgresql", postgres, all));
    return gateway;
  }

  // ---- failures the client caused ----

  @Test
  void clientSqlErrorsNeverOpenTheBreakerOnPostgres() {
    GatewayUnderTest gw = startPostgresGateway(Map.of());
    String node = Resilience.node(postgres);
    assertThat(gw.post("/v1/query", sql("CREATE TABLE cb_unique (id INT PRIMARY KEY)")).status()).isEqualTo(200);
    assertThat(gw.post("/v1/query", sql("INSERT INTO cb_unique (id) VALUES (1)")).status()).isEqualTo(200);
    int mark = log.mark();

    // Many more client errors in a row than the breaker tolerates database failures, with no success
    // in between (a success would reset the breaker's count and hide a miscount).
    for (int i = 0; i < 20; i++) {
      Response syntax = gw.post("/v1/query", sql("SELEC " + i));
      assertThat(syntax.status()).as(syntax.body()).isEqualTo(400);
      assertThat(syntax.json().getString("code")).isEqualTo("SQL_ERROR");
      assertThat(syntax.json().getString("sqlState")).isEqualTo("42601");

      Response unique = gw.post("/v1/query", sql("INSERT INTO cb_unique (id) VALUES (?)", 1));
      assertThat(unique.status()).as(unique.body()).isEqualTo(409);
      assertThat(unique.json().getString("sqlState")).isEqualTo("23505");

      Response unknownTable = gw.post("/v1/query", sql("SELECT * FROM no_such_table_" + i));
      assertThat(unknownTable.status()).as(unknownTable.body()).isEqualTo(400);

      Response inTransaction = gw.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(sql("INSERT INTO cb_unique (id) VALUES (?)", 100 + i))
          .add(sql("INSERT INTO cb_unique (id) VALUES (?)", 1))));
      assertThat(inTransaction.status()).as(inTransaction.body()).isEqualTo(409);
      assertThat(inTransaction.json().getInteger("statementIndex")).isEqualTo(1);

      Response inBatch = gw.post("/v1/batch", new JsonObject().put("sql", "INSERT INTO cb_unique (id) VALUES (?)")
          .put("params", new JsonArray().add(new JsonArray().add(200 + i)).add(new JsonArray().add(1))));
      assertThat(inBatch.status()).as(inBatch.body()).isEqualTo(409);
    }
    // A statement timeout the client asked for is the database doing its job, not failing.
    for (int i = 0; i < 2 * MAX_FAILURES; i++) {
      Response timeout = gw.post("/v1/query", sql("SELECT pg_sleep(10)").put("timeoutMs", 100));
      assertThat(timeout.status()).as(timeout.body()).isEqualTo(504);
    }

    Response ready = gw.get("/health/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(breakerState(ready, node)).isEqualTo("CLOSED");
    Response ok = gw.post("/v1/query", sql("SELECT COUNT(*) AS n FROM cb_unique"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(1); // all rolled back
    assertThat(log.statesSince(mark, node)).isEmpty();
  }

  @Test
  void clientSqlErrorsNeverOpenTheBreakerOnSqlite() {
    Path file = sqliteDir.resolve("breaker.db");
    gateway = GatewayUnderTest.start(Map.of("DB_TYPE", "sqlite", "DB_NAME", file.toString(),
        "GATEWAY_BREAKER_MAX_FAILURES", Integer.toString(MAX_FAILURES), "GATEWAY_RETRY_MAX_ATTEMPTS", "1"));
    GatewayUnderTest gw = gateway;
    assertThat(gw.post("/v1/query", sql("CREATE TABLE cb_unique (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")).status())
        .isEqualTo(200);
    assertThat(gw.post("/v1/query", sql("INSERT INTO cb_unique (id, v) VALUES (1, 'a')")).status()).isEqualTo(200);
    int mark = log.mark();

    for (int i = 0; i < 20; i++) {
      Response syntax = gw.post("/v1/query", sql("SELEC " + i));
      assertThat(syntax.status()).as(syntax.body()).isEqualTo(400);
      Response unique = gw.post("/v1/query", sql("INSERT INTO cb_unique (id, v) VALUES (?, ?)", 1, "b"));
      assertThat(unique.status()).as(unique.body()).isEqualTo(409);
      Response notNull = gw.post("/v1/query", sql("INSERT INTO cb_unique (id, v) VALUES (?, NULL)", 1000 + i));
      assertThat(notNull.status()).as(notNull.body()).isEqualTo(409);
      Response readOnly = gw.post("/v1/query", sql("DELETE FROM cb_unique").put("readOnly", true));
      assertThat(readOnly.status()).as(readOnly.body()).isEqualTo(400);
      Response inTransaction = gw.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(sql("INSERT INTO cb_unique (id, v) VALUES (?, 'x')", 100 + i))
          .add(sql("INSERT INTO cb_unique (id, v) VALUES (1, 'x')"))));
      assertThat(inTransaction.status()).as(inTransaction.body()).isEqualTo(409);
    }

    Response ready = gw.get("/health/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    Response ok = gw.post("/v1/query", sql("SELECT COUNT(*) AS n FROM cb_unique"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(1);
    JsonObject breakers = check(ready, "breaker").getJsonObject("data");
    assertThat(breakers.fieldNames()).isNotEmpty();
    breakers.fieldNames().forEach(node -> assertThat(breakers.getString(node)).as(node).isEqualTo("CLOSED"));
    assertThat(log.statesSince(mark, null)).isEmpty(); // no breaker of any node changed state
  }

  // ---- the database failing ----

  @Test
  void aDeadDatabaseOpensTheBreakerWhichAnswersFastThenProbesAndClosesWhenItIsBack() throws Exception {
    GatewayUnderTest gw = startPostgresGateway(Map.of());
    String node = Resilience.node(postgres);
    assertThat(gw.post("/v1/query", sql("SELECT 1 AS one")).status()).isEqualTo(200);
    Response upBefore = gw.get("/health/ready");
    assertThat(upBefore.status()).as(upBefore.body()).isEqualTo(200);
    assertThat(breakerState(upBefore, node)).isEqualTo("CLOSED");
    int mark = log.mark();

    postgres.kill();

    // Each request is one failed call: the first MAX_FAILURES reach for the database and fail...
    for (int i = 0; i < MAX_FAILURES; i++) {
      Response failed = gw.post("/v1/query", sql("SELECT 1 AS one"));
      assertThat(failed.status()).as(failed.body()).isEqualTo(503);
      assertThat(failed.json().getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(fromOpenBreaker(failed)).as("call %d reached the database: %s", i + 1, failed.body()).isFalse();
    }
    assertThat(log.statesSince(mark, node)).containsExactly("OPEN");

    // ...then the breaker is open: 503 without reaching for the database, with Retry-After the time left
    // before the probe (NodeBreakerTest follows its countdown on a clock of its own).
    for (int i = 0; i < 10; i++) {
      Response open = gw.post("/v1/query", sql("SELECT 1 AS one"));
      assertThat(fromOpenBreaker(open)).as(open.body()).isTrue();
      assertThat(open.json().getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(open.json().getBoolean("retryable")).isTrue();
      assertThat(Integer.parseInt(open.header("retry-after"))).isBetween(1, (int) (RESET_MS / 1000));
    }
    // Other operations are refused the same way.
    Response batch = gw.post("/v1/batch", new JsonObject().put("sql", "SELECT ?")
        .put("params", new JsonArray().add(new JsonArray().add(1))));
    assertThat(fromOpenBreaker(batch)).as(batch.body()).isTrue();

    Response down = gw.get("/health/ready");
    assertThat(down.status()).as(down.body()).isEqualTo(503);
    JsonObject breaker = check(down, "breaker");
    assertThat(breaker.getString("status")).isEqualTo("DOWN");
    assertThat(breaker.getJsonObject("data").getString(node)).isEqualTo("OPEN");

    // Past the reset timeout one probe goes through; the database is still down, so it fails and the
    // breaker opens again for a whole reset timeout.
    Await.until("the half-open breaker", () -> log.statesSince(mark, node), List.of("OPEN", "HALF_OPEN")::equals,
        RESET_MS * 10);
    Response probe = gw.post("/v1/query", sql("SELECT 1 AS one"));
    assertThat(probe.status()).as(probe.body()).isEqualTo(503);
    assertThat(fromOpenBreaker(probe)).as("the probe reached for the database: %s", probe.body()).isFalse();
    Response again = gw.post("/v1/query", sql("SELECT 1 AS one"));
    assertThat(fromOpenBreaker(again)).as(again.body()).isTrue();
    assertThat(Integer.parseInt(again.header("retry-after"))).as("a new reset timeout, not the second left of the old one")
        .isGreaterThan(1);
    assertThat(log.statesSince(mark, node)).containsExactly("OPEN", "HALF_OPEN", "OPEN");

    // The database comes back: the gateway serves again without a restart, once the reset timeout
    // lets a probe through.
    postgres.start();
    Await.until("an answer from the database again", () -> {
      Response served = gw.post("/v1/query", sql("SELECT 1 AS one"));
      assertThat(served.status()).as(served.body()).isIn(200, 503);
      return served.status();
    }, status -> status == 200, RESET_MS * 10);

    Response up = gw.get("/health/ready");
    assertThat(up.status()).as(up.body()).isEqualTo(200);
    assertThat(breakerState(up, node)).isEqualTo("CLOSED");
    assertThat(log.statesSince(mark, node)).containsExactly("OPEN", "HALF_OPEN", "OPEN", "HALF_OPEN", "CLOSED");
    for (int i = 0; i < 5; i++) {
      assertThat(gw.post("/v1/query", sql("SELECT 1 AS one")).status()).isEqualTo(200);
    }
  }

  @Test
  void aDatabaseThatStopsAnsweringCountsAsDown() throws Exception {
    // Calls may take their statement timeout, the pool wait and the grace; then they count as failures.
    GatewayUnderTest gw = startPostgresGateway(Map.of(
        "GATEWAY_BREAKER_CALL_GRACE_MS", "300",
        "GATEWAY_POOL_WAIT_TIMEOUT_MS", "1000"));
    String node = Resilience.node(postgres);
    // Warm the pool: a few connections are open and idle when the server freezes. The first ones may
    // take longer than the short pool wait to open, so warm until a round succeeds together.
    boolean warmed = false;
    for (int round = 0; round < 10 && !warmed; round++) {
      List<CompletableFuture<Response>> warm = new ArrayList<>();
      for (int i = 0; i < MAX_FAILURES; i++) {
        warm.add(gw.postAsync("/v1/query", sql("SELECT pg_sleep(0.2)")));
      }
      warmed = true;
      for (CompletableFuture<Response> w : warm) {
        warmed &= w.get(30, TimeUnit.SECONDS).status() == 200;
      }
    }
    assertThat(warmed).as("the pool opened its connections").isTrue();
    int mark = log.mark();

    signalPostgres("STOP"); // the server keeps its sockets but answers nothing, like a hung host
    try {
      List<CompletableFuture<Response>> hung = new ArrayList<>();
      for (int i = 0; i < MAX_FAILURES; i++) {
        hung.add(gw.postAsync("/v1/query", sql("SELECT 1 AS one").put("timeoutMs", 500)));
      }
      for (CompletableFuture<Response> h : hung) {
        Response r = h.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.json().getString("code")).isEqualTo("UNAVAILABLE");
        assertThat(fromOpenBreaker(r)).as(r.body()).isFalse();
      }
      assertThat(log.statesSince(mark, node)).containsExactly("OPEN");

      Response open = gw.post("/v1/query", sql("SELECT 1 AS one"));
      assertThat(fromOpenBreaker(open)).as(open.body()).isTrue();
      Response down = gw.get("/health/ready");
      assertThat(down.status()).isEqualTo(503);
      assertThat(breakerState(down, node)).isEqualTo("OPEN");
    } finally {
      signalPostgres("CONT");
    }

    Await.until("an answer from the database again", () -> gw.post("/v1/query", sql("SELECT 1 AS one")).status(),
        status -> status == 200, RESET_MS * 10);
    assertThat(breakerState(gw.get("/health/ready"), node)).isEqualTo("CLOSED");
  }

  /** Sends {@code signal} to the PostgreSQL postmaster and every backend it forked. */
  private void signalPostgres(String signal) {
    Path pidFile = postgres.dataDir().resolve("pgdata").resolve("postmaster.pid");
    if (!postgres.isRunning() || !Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      List<String> command = new ArrayList<>(List.of("kill", "-s", signal, Long.toString(pid)));
      ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> command.add(Long.toString(d.pid()))));
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
