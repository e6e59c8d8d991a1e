package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.Role;
import io.dbgateway.transaction.InteractiveTransactions;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.LogCapture;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interactive transactions ({@code POST /v1/transactions}, {@code dbgateway.tx.*}): statements that
 * carry the txId run in one transaction that commits or rolls back as a whole; unknown, ended, timed
 * out and foreign ids answer 404; the caps answer 503 and 429. The same suite runs on every engine.
 */
public abstract class InteractiveTransactionTck {

  /** Idle timeout and lifetime of the gateway with short limits, in ms. */
  // Wide enough that a request delayed by a loaded machine still lands inside them.
  private static final int IDLE_MS = 2_000;
  private static final int LIFETIME_MS = 8_000;

  protected abstract Engine engine();

  /** Whether a failed statement leaves the transaction able only to roll back (PostgreSQL). */
  protected abstract boolean failedStatementAbortsTransaction();

  /** A gateway on the same database with short timeouts and small caps, started once per engine. */
  private static final Map<Engine, GatewayUnderTest> limited = new HashMap<>();

  // JUnit makes an instance per test: each test has its own table.
  private final GatewayUnderTest gateway = engine().gateway();
  private final String table = Engine.uniqueTable("tx");

  @BeforeEach
  void createTable() throws SQLException {
    engine().execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
  }

  @AfterAll
  static void closeLimited() {
    limited.values().forEach(GatewayUnderTest::close);
    limited.clear();
  }

  private GatewayUnderTest limited() {
    return limited.computeIfAbsent(engine(), e -> {
      Map<String, String> env = new HashMap<>(e.env());
      env.put("GATEWAY_TX_IDLE_TIMEOUT_MS", Integer.toString(IDLE_MS));
      env.put("GATEWAY_TX_MAX_LIFETIME_MS", Integer.toString(LIFETIME_MS));
      env.put("GATEWAY_TX_MAX_OPEN", "3");
      env.put("GATEWAY_TX_MAX_OPEN_PER_KEY", "2");
      return GatewayUnderTest.start(env);
    });
  }

  // ---- helpers ----

  /** On Galera a read-only transaction asks for the writer, so it sees what the test just wrote. */
  private static String begin(GatewayUnderTest gw, boolean readOnly) {
    Response r = gw.post("/v1/transactions", new JsonObject().put("readOnly", readOnly).put("consistency", "strong"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getString("txId");
  }

  private static Response commit(GatewayUnderTest gw, String txId) {
    return gw.post("/v1/transactions/" + txId + "/commit", "");
  }

  private static Response rollback(GatewayUnderTest gw, String txId) {
    return gw.post("/v1/transactions/" + txId + "/rollback", "");
  }

  private JsonObject insert(int id, String txId) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(id).add("n" + id)).put("txId", txId);
  }

  private JsonObject select(String txId) {
    return new JsonObject().put("sql", "SELECT id FROM " + table + " ORDER BY id").put("txId", txId);
  }

  /**
   * A read outside any transaction: read-only, so SQLite serves it beside an open write transaction;
   * strong, so on Galera it sees every acknowledged write.
   */
  private JsonObject selectOutside() {
    return new JsonObject().put("sql", "SELECT id FROM " + table + " ORDER BY id").put("readOnly", true)
        .put("consistency", "strong");
  }

  private static List<Integer> ids(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<Integer> ids = new ArrayList<>();
    r.json().getJsonArray("rows").forEach(row -> ids.add(((JsonObject) row).getInteger("id")));
    return ids;
  }

  private int rows() throws SQLException {
    return engine().count(table, "1 = 1");
  }

  private static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    assertThat(r.json().getString("code")).isEqualTo(code);
  }

  private static void assertProblem(ReplyException e, int status, String code) {
    assertThat(e.failureCode()).as(e.getMessage()).isEqualTo(status);
    assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo(code);
  }

  // ---- commit, rollback ----

  @Test
  void statementsWithTheTxIdCommitTogetherAndOnlyAtCommit() throws SQLException {
    String tx = begin(gateway, false);
    assertThat(tx).matches("[A-Za-z0-9_-]{22}");
    assertThat(gateway.post("/v1/query", insert(2, tx)).json().getLong("updated")).isEqualTo(1);
    assertThat(gateway.post("/v1/query", insert(3, tx)).status()).isEqualTo(200);
    assertThat(ids(gateway.post("/v1/query", select(tx)))).as("the transaction sees its own writes")
        .containsExactly(1, 2, 3);
    assertThat(rows()).as("nothing is visible outside before commit").isEqualTo(1);

    Response commit = commit(gateway, tx);
    assertThat(commit.status()).as(commit.body()).isEqualTo(200);
    assertThat(commit.json()).isEqualTo(new JsonObject().put("txId", tx).put("status", "committed"));
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void rollbackDiscardsEveryStatement() throws SQLException {
    String tx = begin(gateway, false);
    gateway.post("/v1/query", insert(2, tx));
    gateway.post("/v1/query", new JsonObject().put("sql", "DELETE FROM " + table + " WHERE id = 1").put("txId", tx));
    Response rollback = rollback(gateway, tx);
    assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
    assertThat(rollback.json().getString("status")).isEqualTo("rolledBack");
    assertThat(engine().count(table, "id = 1")).isEqualTo(1);
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void aBatchWithTheTxIdRunsInsideTheTransaction() throws SQLException {
    String tx = begin(gateway, false);
    Response batch = gateway.post("/v1/batch", new JsonObject()
        .put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, 'b')")
        .put("params", new JsonArray().add(new JsonArray().add(5)).add(new JsonArray().add(6))).put("txId", tx));
    assertThat(batch.status()).as(batch.body()).isEqualTo(200);
    assertThat(batch.json().getJsonArray("updated")).containsExactly(1, 1);
    assertThat(ids(gateway.post("/v1/query", select(tx)))).containsExactly(1, 5, 6);
    assertThat(rows()).isEqualTo(1);
    rollback(gateway, tx);
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void twoTransactionsDoNotSeeEachOthersUncommittedWrites() throws SQLException {
    String writer = begin(gateway, false);
    String reader = begin(gateway, true);
    gateway.post("/v1/query", insert(2, writer));
    assertThat(ids(gateway.post("/v1/query", select(writer)))).containsExactly(1, 2);
    assertThat(ids(gateway.post("/v1/query", select(reader)))).containsExactly(1);
    assertThat(ids(gateway.post("/v1/query", selectOutside()))).as("outside any transaction").containsExactly(1);
    assertThat(commit(gateway, writer).status()).isEqualTo(200);
    assertThat(ids(gateway.post("/v1/query", selectOutside()))).containsExactly(1, 2);
    rollback(gateway, reader);
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void aReadOnlyTransactionRefusesWritesTheDatabaseEnforcesIt() throws SQLException {
    String tx = begin(gateway, true);
    Response write = gateway.post("/v1/query", insert(2, tx));
    assertProblem(write, 400, "SQL_ERROR");
    assertThat(write.json().getString("sqlState")).isEqualTo("25006");
    commit(gateway, tx);
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void requestsOnOneTransactionSentTogetherRunOneAtATime() throws SQLException {
    String tx = begin(gateway, false);
    List<CompletableFuture<Response>> inFlight = new ArrayList<>();
    for (int id = 10; id < 20; id++) {
      inFlight.add(gateway.postAsync("/v1/query", insert(id, tx)));
    }
    for (CompletableFuture<Response> response : inFlight) {
      Response r = response.join();
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    assertThat(commit(gateway, tx).status()).isEqualTo(200);
    assertThat(rows()).isEqualTo(11);
  }

  // ---- failures inside ----

  @Test
  void aFailedStatementLeavesTheTransactionOpenAsTheEngineDefines() throws SQLException {
    String tx = begin(gateway, false);
    assertThat(gateway.post("/v1/query", insert(2, tx)).status()).isEqualTo(200);
    assertProblem(gateway.post("/v1/query", insert(1, tx)), 409, "CONFLICT");
    Response next = gateway.post("/v1/query", insert(3, tx));
    Response commit = commit(gateway, tx);
    if (failedStatementAbortsTransaction()) {
      assertProblem(next, 400, "SQL_ERROR");
      assertThat(next.json().getString("sqlState")).isEqualTo("25P02");
      assertProblem(commit, 400, "SQL_ERROR");
      assertThat(commit.json().getString("sqlState")).isEqualTo("25P02");
      assertThat(rows()).as("rolled back, not committed").isEqualTo(1);
    } else {
      assertThat(next.status()).as(next.body()).isEqualTo(200);
      assertThat(commit.status()).as(commit.body()).isEqualTo(200);
      assertThat(rows()).as("the statements that succeeded committed").isEqualTo(3);
    }
    assertProblem(rollback(gateway, tx), 404, "NOT_FOUND");
  }

  // ---- ids that answer 404 ----

  @Test
  void anUnknownIdAnswers404Everywhere() {
    String unknown = "AAAAAAAAAAAAAAAAAAAAAA";
    assertProblem(gateway.post("/v1/query", select(unknown)), 404, "NOT_FOUND");
    assertProblem(commit(gateway, unknown), 404, "NOT_FOUND");
    assertProblem(rollback(gateway, unknown), 404, "NOT_FOUND");
  }

  @Test
  void anEndedTransactionAnswers404() throws SQLException {
    String tx = begin(gateway, false);
    gateway.post("/v1/query", insert(2, tx));
    assertThat(commit(gateway, tx).status()).isEqualTo(200);
    assertProblem(gateway.post("/v1/query", insert(3, tx)), 404, "NOT_FOUND");
    assertProblem(commit(gateway, tx), 404, "NOT_FOUND");
    assertProblem(rollback(gateway, tx), 404, "NOT_FOUND");
    assertThat(rows()).isEqualTo(2);

    String rolledBack = begin(gateway, false);
    rollback(gateway, rolledBack);
    assertProblem(gateway.post("/v1/query", select(rolledBack)), 404, "NOT_FOUND");
  }

  @Test
  void anotherKeysTransactionAnswers404AndStaysUsableByItsOwner() throws SQLException {
    Caller owner = new Caller("owner-key", Role.WRITE);
    Caller other = new Caller("other-key", Role.WRITE);
    String tx = gateway.request(Addresses.TX_BEGIN, new JsonObject(), owner).getString("txId");
    gateway.request(Addresses.QUERY, insert(2, tx), owner);
    for (var call : List.of(
        Map.entry(Addresses.QUERY, insert(3, tx)),
        Map.entry(Addresses.TX_COMMIT, new JsonObject().put("txId", tx)),
        Map.entry(Addresses.TX_ROLLBACK, new JsonObject().put("txId", tx)))) {
      assertThatThrownBy(() -> gateway.request(call.getKey(), call.getValue(), other))
          .as(call.getKey()).isInstanceOfSatisfying(ReplyException.class, e -> assertProblem(e, 404, "NOT_FOUND"));
    }
    assertThat(gateway.request(Addresses.TX_COMMIT, new JsonObject().put("txId", tx), owner).getString("status"))
        .isEqualTo("committed");
    assertThat(rows()).isEqualTo(2);
  }

  // ---- the event bus ----

  @Test
  void theBusAddressesBeginRunAndCommit() throws SQLException {
    String tx = gateway.request(Addresses.TX_BEGIN, new JsonObject()).getString("txId");
    assertThat(gateway.request(Addresses.QUERY, insert(2, tx)).getLong("updated")).isEqualTo(1);
    JsonObject batch = gateway.request(Addresses.BATCH, new JsonObject()
        .put("sql", "INSERT INTO " + table + " (id) VALUES (?)")
        .put("params", new JsonArray().add(new JsonArray().add(3))).put("txId", tx));
    assertThat(batch.getJsonArray("updated")).containsExactly(1);
    assertThat(rows()).isEqualTo(1);
    assertThat(gateway.request(Addresses.TX_COMMIT, new JsonObject().put("txId", tx)).getString("status"))
        .isEqualTo("committed");
    assertThat(rows()).isEqualTo(3);

    String rolledBack = gateway.request(Addresses.TX_BEGIN, new JsonObject().put("readOnly", false)).getString("txId");
    gateway.request(Addresses.QUERY, insert(4, rolledBack));
    gateway.request(Addresses.TX_ROLLBACK, new JsonObject().put("txId", rolledBack));
    assertThat(rows()).isEqualTo(3);
  }

  // ---- what does not go with a txId ----

  @Test
  void txIdOnTheAtomicTransactionAndIdempotencyKeysWithATxIdAre400() throws SQLException {
    String tx = begin(gateway, false);
    Response atomic = gateway.post("/v1/transaction", new JsonObject()
        .put("statements", new JsonArray().add(new JsonObject().put("sql", "DELETE FROM " + table))).put("txId", tx));
    assertProblem(atomic, 400, "BAD_REQUEST");
    assertThat(atomic.json().getString("detail")).contains("txId");
    Response keyed = gateway.post("/v1/query", insert(3, tx), Map.of("Idempotency-Key", "k-" + tx));
    assertProblem(keyed, 400, "BAD_REQUEST");
    assertThat(keyed.json().getString("detail")).contains("Idempotency-Key");
    assertProblem(gateway.post("/v1/transactions", new JsonObject().put("timeoutMs", 5)), 400, "BAD_REQUEST");
    commit(gateway, tx);
    assertThat(rows()).isEqualTo(1);
  }

  // ---- timeouts and caps (a gateway with short limits) ----

  /** A read-write transaction that has inserted row {@code id}. */
  private String beginWithRow(GatewayUnderTest gw, int id) {
    String tx = begin(gw, false);
    assertThat(gw.post("/v1/query", insert(id, tx)).status()).isEqualTo(200);
    return tx;
  }

  /** Waits a quarter of the idle timeout, then reads in the transaction: its status. */
  private int readAfterAWhile(GatewayUnderTest gw, String tx) throws InterruptedException {
    Thread.sleep(IDLE_MS / 4);
    return gw.post("/v1/query", select(tx)).status();
  }

  @Test
  void anIdleTransactionIsRolledBackAndItsIdAnswers404() throws Exception {
    GatewayUnderTest gw = limited();
    String kept = beginWithRow(gw, 2);
    // Used more often than the idle timeout, for longer than it (but less than the lifetime): still open.
    for (int i = 0; i < 5; i++) {
      assertThat(readAfterAWhile(gw, kept)).isEqualTo(200);
    }
    assertThat(commit(gw, kept).status()).isEqualTo(200);

    String idle = beginWithRow(gw, 3);
    try (LogCapture log = LogCapture.attach(InteractiveTransactions.class)) {
      log.await(0, m -> m.contains(idle.substring(0, 6))
          && m.contains("idle longer than " + IDLE_MS + " ms") && m.contains("rolled back"), IDLE_MS * 10L);
    }
    assertProblem(gw.post("/v1/query", select(idle)), 404, "NOT_FOUND");
    assertProblem(commit(gw, idle), 404, "NOT_FOUND");
    assertThat(engine().count(table, "id = 3")).isZero();
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void aTransactionOpenPastItsLifetimeIsRolledBackEvenWhileInUse() throws Exception {
    GatewayUnderTest gw = limited();
    String tx = beginWithRow(gw, 2);
    try (LogCapture log = LogCapture.attach(InteractiveTransactions.class)) {
      long deadline = System.currentTimeMillis() + LIFETIME_MS * 5L;
      int status = 200;
      while (status == 200 && System.currentTimeMillis() < deadline) {
        status = readAfterAWhile(gw, tx);
      }
      assertThat(status).isEqualTo(404);
      assertThat(log.messagesSince(0)).as("the lifetime ended it, though it never sat idle")
          .anyMatch(m -> m.contains(tx.substring(0, 6)) && m.contains("open longer than " + LIFETIME_MS + " ms"));
    }
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void theCapsAnswer503ForTheProcessAnd429ForOneKeyWithRetryAfter() {
    GatewayUnderTest gw = limited(); // at most 3 open, 2 per key
    Caller a = new Caller("key-a", Role.WRITE);
    Caller b = new Caller("key-b", Role.WRITE);
    JsonObject readOnly = new JsonObject().put("readOnly", true);
    List<Map.Entry<Caller, String>> open = new ArrayList<>();
    try {
      open.add(Map.entry(a, gw.request(Addresses.TX_BEGIN, readOnly, a).getString("txId")));
      open.add(Map.entry(a, gw.request(Addresses.TX_BEGIN, readOnly, a).getString("txId")));
      assertThatThrownBy(() -> gw.request(Addresses.TX_BEGIN, readOnly, a))
          .isInstanceOfSatisfying(ReplyException.class, e -> {
            assertProblem(e, 429, "RATE_LIMITED");
            assertThat(new JsonObject(e.getMessage()).getInteger("retryAfter")).isPositive();
          });
      open.add(Map.entry(b, gw.request(Addresses.TX_BEGIN, readOnly, b).getString("txId")));
      assertThatThrownBy(() -> gw.request(Addresses.TX_BEGIN, readOnly, b))
          .isInstanceOfSatisfying(ReplyException.class, e -> assertProblem(e, 503, "UNAVAILABLE"));
      Response http = gw.post("/v1/transactions", readOnly);
      assertProblem(http, 503, "UNAVAILABLE");
      assertThat(http.header("Retry-After")).isNotNull();

      // Ending one frees its place.
      Map.Entry<Caller, String> first = open.remove(0);
      gw.request(Addresses.TX_ROLLBACK, new JsonObject().put("txId", first.getValue()), first.getKey());
      open.add(Map.entry(b, gw.request(Addresses.TX_BEGIN, readOnly, b).getString("txId")));
    } finally {
      open.forEach(tx -> gw.request(Addresses.TX_ROLLBACK, new JsonObject().put("txId", tx.getValue()), tx.getKey()));
    }
    // HTTP callers without a key count as one key.
    String one = begin(gw, true);
    String two = begin(gw, true);
    Response third = gw.post("/v1/transactions", readOnly);
    assertProblem(third, 429, "RATE_LIMITED");
    assertThat(third.header("Retry-After")).isNotNull();
    rollback(gw, one);
    rollback(gw, two);
  }

  @Test
  void transactionsHoldAtMostHalfThePoolAndOneMoreIsRefusedAtOnce() {
    // A pool of four: transactions may hold two of its connections (the default share), and the third
    // begin is refused at once rather than after the pool's (long) wait.
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "4");
    env.put("GATEWAY_TX_MAX_OPEN_PER_KEY", "2");
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "20000");
    GatewayUnderTest gw = GatewayUnderTest.start(env);
    try {
      String one = begin(gw, true);
      String two = begin(gw, true);
      long start = System.nanoTime();
      Response third = gw.post("/v1/transactions", new JsonObject().put("readOnly", true).put("consistency", "strong"));
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertProblem(third, 503, "UNAVAILABLE");
      assertThat(third.header("Retry-After")).isNotNull();
      assertThat(waitedMs).as("refused without waiting for a connection").isLessThan(10_000);

      // Short operations still have the rest of the pool.
      for (int i = 0; i < 4; i++) {
        assertThat(gw.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one")).status()).isEqualTo(200);
      }
      assertThat(rollback(gw, one).status()).isEqualTo(200);
      String again = begin(gw, true);
      assertThat(rollback(gw, two).status()).isEqualTo(200);
      assertThat(rollback(gw, again).status()).isEqualTo(200);
    } finally {
      gw.close();
    }
  }

  @Test
  void aReadOnlyTransactionGivesItsConnectionBackReadWrite() throws SQLException {
    // One connection: every request below uses the one the read-only transactions held.
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    GatewayUnderTest gw = GatewayUnderTest.start(env);
    try {
      String committed = begin(gw, true);
      assertThat(ids(gw.post("/v1/query", select(committed)))).containsExactly(1);
      assertThat(commit(gw, committed).status()).isEqualTo(200);
      String rolledBack = begin(gw, true);
      assertProblem(gw.post("/v1/query", insert(2, rolledBack)), 400, "SQL_ERROR");
      assertThat(rollback(gw, rolledBack).status()).isEqualTo(200);

      Response write = gw.post("/v1/query", insert(3, null));
      assertThat(write.status()).as(write.body()).isEqualTo(200);
      String tx = begin(gw, false);
      assertThat(gw.post("/v1/query", insert(4, tx)).status()).isEqualTo(200);
      assertThat(commit(gw, tx).status()).isEqualTo(200);
    } finally {
      gw.close();
    }
    assertThat(rows()).isEqualTo(3);
  }

  // ---- shutdown ----

  @Test
  void shutdownRollsBackOpenTransactionsBeforeThePoolsClose() throws SQLException {
    GatewayUnderTest gw = GatewayUnderTest.start(engine().env());
    String tx = begin(gw, false);
    gw.post("/v1/query", insert(2, tx));
    try (LogCapture log = LogCapture.attach(InteractiveTransactions.class)) {
      gw.close();
      assertThat(log.messagesSince(0)).anyMatch(m -> m.contains("rolling back 1 open interactive transaction"));
    }
    assertThat(rows()).isEqualTo(1);
  }
}
