package io.dbgateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idempotency keys ({@code Idempotency-Key} over HTTP, {@code idempotencyKey} on the bus): the work
 * runs once, a repeat answers the recorded result, the key and the result commit with the work in the
 * gateway's own table, and nothing else. The same suite runs on every engine through a subclass.
 */
public abstract class IdempotencyTck {

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";

  protected abstract Engine engine();

  private GatewayUnderTest gateway;
  private String table;

  @BeforeEach
  void createTable() throws SQLException {
    gateway = engine().gateway();
    table = Engine.uniqueTable("idem");
    execute("CREATE TABLE " + table + " (name VARCHAR(50) NOT NULL, qty INTEGER, tag VARCHAR(50) UNIQUE)");
  }

  // ---- a write with a key runs once ----

  @Test
  void aRepeatedKeyOverHttpReplaysTheRecordedResultAndTheRowIsInsertedOnce() throws SQLException {
    String key = newKey();
    JsonObject insert = insert("once", 1);

    Response first = gateway.post("/v1/query", insert, Map.of(HEADER, key));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.header(REPLAYED)).isNull();
    assertThat(first.json().getLong("updated")).isEqualTo(1);

    Response second = gateway.post("/v1/query", insert, Map.of(HEADER, key));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.header(REPLAYED)).isEqualTo("true");
    assertThat(second.json()).isEqualTo(first.json()); // the recorded answer, elapsedMs included

    assertThat(count("name = 'once'")).isEqualTo(1);
  }

  @Test
  void aRepeatedKeyOnTheBusReplaysTheRecordedResultWithTheReplayedHeader() throws SQLException {
    String key = newKey();
    JsonObject insert = insert("bus", 2).put("idempotencyKey", key);

    Message<JsonObject> first = gateway.requestMessage(Addresses.QUERY, insert.copy());
    assertThat(first.headers().get(REPLAYED)).isNull();
    Message<JsonObject> second = gateway.requestMessage(Addresses.QUERY, insert.copy());
    assertThat(second.headers().get(REPLAYED)).isEqualTo("true");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(count("name = 'bus'")).isEqualTo(1);

    // The header and the bus field are one key: the same body over HTTP replays too.
    Response overHttp = gateway.post("/v1/query", insert("bus", 2), Map.of(HEADER, key));
    assertThat(overHttp.status()).as(overHttp.body()).isEqualTo(200);
    assertThat(overHttp.header(REPLAYED)).isEqualTo("true");
    assertThat(overHttp.json()).isEqualTo(first.body());
    assertThat(count("name = 'bus'")).isEqualTo(1);
  }

  @Test
  void theSameBodyWithItsFieldsInAnotherOrderIsTheSameRequest() throws SQLException {
    String key = newKey();
    JsonObject one = new JsonObject()
        .put("sql", "INSERT INTO " + table + " (name, qty) VALUES (:name, :qty)")
        .put("params", new JsonObject().put("name", "order").put("qty", 4))
        .put("timeoutMs", 5000);
    JsonObject reordered = new JsonObject()
        .put("timeoutMs", 5000)
        .put("params", new JsonObject().put("qty", 4).put("name", "order"))
        .put("sql", "INSERT INTO " + table + " (name, qty) VALUES (:name, :qty)");

    assertThat(gateway.post("/v1/query", one, Map.of(HEADER, key)).status()).isEqualTo(200);
    Response again = gateway.post("/v1/query", reordered, Map.of(HEADER, key));
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.header(REPLAYED)).isEqualTo("true");
    assertThat(count("name = 'order'")).isEqualTo(1);
  }

  // ---- the same key with another body ----

  @Test
  void theSameKeyWithADifferentBodyIs422AndChangesNothing() throws SQLException {
    String key = newKey();
    assertThat(gateway.post("/v1/query", insert("first", 1), Map.of(HEADER, key)).status()).isEqualTo(200);
    JsonObject recorded = keyRow(key);

    Response other = gateway.post("/v1/query", insert("second", 1), Map.of(HEADER, key));
    assertThat(other.status()).as(other.body()).isEqualTo(422);
    assertThat(other.header("Content-Type")).startsWith("application/problem+json");
    assertThat(other.json().getString("code")).isEqualTo("IDEMPOTENCY_MISMATCH");
    assertThat(other.json().getBoolean("retryable")).isFalse();

    // Another operation under the same key is a different request too.
    Response asBatch = gateway.post("/v1/batch", new JsonObject()
        .put("sql", "INSERT INTO " + table + " (name, qty) VALUES (?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add("first").add(1))), Map.of(HEADER, key));
    assertThat(asBatch.status()).as(asBatch.body()).isEqualTo(422);

    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, insert("third", 1).put("idempotencyKey", key)))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(422);
          assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo("IDEMPOTENCY_MISMATCH");
        });

    assertThat(count("1 = 1")).isEqualTo(1);
    assertThat(count("name = 'first'")).isEqualTo(1);
    assertThat(keyRow(key)).isEqualTo(recorded);
  }

  /**
   * Keys are scoped by the API key that used them (issue #12): another caller can neither squat a key
   * (its use does not make the owner's request a 422), nor replay the owner's recorded answer, nor learn
   * that the key was used.
   */
  @Test
  void aKeyNamesARequestOnlyAmongItsOwnCallersRequests() throws SQLException {
    Caller owner = new Caller("owner", io.dbgateway.auth.Role.WRITE);
    Caller other = new Caller("other", io.dbgateway.auth.Role.WRITE);
    String squatted = newKey();
    gateway.request(Addresses.QUERY, insert("squat", 1).put("idempotencyKey", squatted), other);
    JsonObject owned = gateway.request(Addresses.QUERY, insert("owned", 1).put("idempotencyKey", squatted), owner);
    assertThat(owned.getLong("updated")).as("the owner's request ran: no 422 for a key another caller used").isEqualTo(1);

    String recorded = newKey();
    gateway.request(Addresses.QUERY, insert("once-each", 1).put("idempotencyKey", recorded), owner);
    JsonObject replayedForOwner = gateway.request(Addresses.QUERY,
        insert("once-each", 1).put("idempotencyKey", recorded), owner);
    assertThat(replayedForOwner.getLong("updated")).isEqualTo(1);
    assertThat(count("name = 'once-each'")).as("the owner's repeat is a replay").isEqualTo(1);
    gateway.request(Addresses.QUERY, insert("once-each", 1).put("idempotencyKey", recorded), other);
    assertThat(count("name = 'once-each'")).as("another caller's request runs: it is not given the owner's answer")
        .isEqualTo(2);

    Caller prober = new Caller("prober", io.dbgateway.auth.Role.WRITE);
    JsonObject probeUsed = gateway.request(Addresses.QUERY, insert("probe-used", 7).put("idempotencyKey", recorded), prober);
    assertThat(probeUsed.getLong("updated")).as("a key the owner used answers another caller like any new key: no 422")
        .isEqualTo(1);
  }

  @Test
  void aHeaderAndABodyFieldThatDisagreeAreRefused() throws SQLException {
    Response r = gateway.post("/v1/query", insert("both", 1).put("idempotencyKey", newKey()), Map.of(HEADER, newKey()));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(count("name = 'both'")).isZero();
  }

  // ---- batch and transaction ----

  @Test
  void aBatchWithAKeyRunsOnce() throws SQLException {
    String key = newKey();
    JsonObject batch = new JsonObject()
        .put("sql", "INSERT INTO " + table + " (name, qty) VALUES (?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add("b").add(1)).add(new JsonArray().add("b").add(2)));

    Response first = gateway.post("/v1/batch", batch, Map.of(HEADER, key));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().getJsonArray("updated")).containsExactly(1, 1);
    Response second = gateway.post("/v1/batch", batch, Map.of(HEADER, key));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.header(REPLAYED)).isEqualTo("true");
    assertThat(second.json()).isEqualTo(first.json());

    Message<JsonObject> onTheBus = gateway.requestMessage(Addresses.BATCH, batch.copy().put("idempotencyKey", key));
    assertThat(onTheBus.headers().get(REPLAYED)).isEqualTo("true");
    assertThat(count("name = 'b'")).isEqualTo(2);
  }

  @Test
  void aTransactionWithAKeyRunsOnce() throws SQLException {
    String key = newKey();
    JsonObject tx = new JsonObject().put("statements", new JsonArray()
        .add(insert("t", 1))
        .add(new JsonObject().put("sql", "UPDATE " + table + " SET qty = qty + 10 WHERE name = 't'"))
        .add(new JsonObject().put("sql", "SELECT qty FROM " + table + " WHERE name = 't'")));

    Response first = gateway.post("/v1/transaction", tx, Map.of(HEADER, key));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    Response second = gateway.post("/v1/transaction", tx, Map.of(HEADER, key));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.header(REPLAYED)).isEqualTo("true");
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(second.json().getJsonArray("results").getJsonObject(2).getJsonArray("rows"))
        .containsExactly(new JsonObject().put("qty", 11));

    assertThat(count("name = 't'")).isEqualTo(1);
    assertThat(count("name = 't' AND qty = 11")).isEqualTo(1);
  }

  @Test
  void aReadOnlyUnitIgnoresItsKey() throws SQLException {
    String key = newKey();
    JsonObject read = new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table).put("readOnly", true);
    Response first = gateway.post("/v1/query", read, Map.of(HEADER, key));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    execute("INSERT INTO " + table + " (name, qty) VALUES ('r', 1)");
    Response second = gateway.post("/v1/query", read, Map.of(HEADER, key));
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header(REPLAYED)).isNull();
    assertThat(second.json().getJsonArray("rows")).containsExactly(new JsonObject().put("n", 1));
    assertThat(keyRows(key)).isEmpty();
  }

  // ---- a failed unit records nothing ----

  @Test
  void aFailedUnitDoesNotRecordItsKeySoACorrectedRetryWithTheSameKeyRuns() throws SQLException {
    execute("INSERT INTO " + table + " (name, qty, tag) VALUES ('taken', 0, 'dup')");
    String key = newKey();
    JsonObject failing = new JsonObject().put("statements", new JsonArray()
        .add(insert("fix", 1))
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (name, qty, tag) VALUES ('fix', 2, 'dup')")));

    Response failed = gateway.post("/v1/transaction", failing, Map.of(HEADER, key));
    assertThat(failed.status()).as(failed.body()).isEqualTo(409);
    assertThat(failed.json().getString("code")).isEqualTo("CONFLICT");
    assertThat(failed.json().getInteger("statementIndex")).isEqualTo(1);
    assertThat(keyRows(key)).isEmpty();
    assertThat(count("name = 'fix'")).isZero();

    // The same failing request again is not a replay: it runs, and fails, again.
    Response again = gateway.post("/v1/transaction", failing, Map.of(HEADER, key));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.header(REPLAYED)).isNull();

    JsonObject corrected = new JsonObject().put("statements", new JsonArray()
        .add(insert("fix", 1))
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (name, qty, tag) VALUES ('fix', 2, 'unique')")));
    Response fixed = gateway.post("/v1/transaction", corrected, Map.of(HEADER, key));
    assertThat(fixed.status()).as(fixed.body()).isEqualTo(200);
    assertThat(fixed.header(REPLAYED)).isNull();
    assertThat(count("name = 'fix'")).isEqualTo(2);
    assertThat(keyRows(key)).hasSize(1);
  }

  // ---- concurrent duplicates ----

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void concurrentDuplicatesApplyTheWorkOnceAndAllAnswerTheSameResult() throws Exception {
    String key = newKey();
    JsonObject tx = new JsonObject().put("statements", new JsonArray()
        .add(insert("race", 1))
        .add(new JsonObject().put("sql", engine().sleepStatement(0.3)))
        .add(new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table + " WHERE name = 'race'")));

    List<CompletableFuture<Response>> inFlight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inFlight.add(gateway.postAsync("/v1/transaction", tx, Map.of(HEADER, key)));
    }
    List<Response> answers = new ArrayList<>();
    for (CompletableFuture<Response> f : inFlight) {
      answers.add(f.get(60, TimeUnit.SECONDS));
    }

    for (Response r : answers) {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(answers.get(0).json());
    }
    assertThat(answers.stream().filter(r -> r.header(REPLAYED) == null)).as("requests that did the work").hasSize(1);
    assertThat(answers.get(0).json().getJsonArray("results").getJsonObject(2).getJsonArray("rows"))
        .containsExactly(new JsonObject().put("n", 1));
    assertThat(count("name = 'race'")).isEqualTo(1);
    assertThat(keyRows(key)).hasSize(1);
  }

  // ---- the gateway's table ----

  @Test
  void theKeyAndItsResultAreOneRowInTheGatewaysTableCommittedWithTheWork() throws Exception {
    String key = newKey();
    JsonObject tx = new JsonObject().put("statements", new JsonArray()
        .add(insert("row", 7))
        .add(new JsonObject().put("sql", engine().sleepStatement(1.0))));

    CompletableFuture<Response> running = gateway.postAsync("/v1/transaction", tx, Map.of(HEADER, key));
    // Watched from outside, in one snapshot per look: the key and the work are never seen apart, and
    // while the unit runs neither is there.
    List<String> seen = new ArrayList<>();
    while (!running.isDone()) {
      seen.add(keyAndWork(key));
      Thread.sleep(20);
    }
    seen.add(keyAndWork(key));
    assertThat(seen).as("key rows / work rows, look after look").containsOnly("0/0", "1/1").contains("0/0", "1/1");
    Response done = running.get(60, TimeUnit.SECONDS);
    assertThat(done.status()).as(done.body()).isEqualTo(200);

    List<JsonObject> rows = keyRows(key);
    assertThat(rows).hasSize(1);
    JsonObject row = rows.get(0);
    assertThat(row.getString("operation")).isEqualTo("transaction");
    assertThat(row.getString("request_hash")).hasSize(64);
    assertThat(new JsonObject(row.getString("response"))).isEqualTo(done.json());
    assertThat(row.getLong("created_at")).isBetween(System.currentTimeMillis() - 120_000, System.currentTimeMillis());
    assertThat(count("name = 'row'")).isEqualTo(1);
  }

  // ---- retention ----

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void keysOlderThanTheRetentionAreForgottenAndTheWorkRunsAgain() throws Exception {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("GATEWAY_IDEMPOTENCY_RETENTION", "1");
    GatewayUnderTest forgetful = GatewayUnderTest.start(env);
    try {
      String key = newKey();
      Response first = forgetful.post("/v1/query", insert("kept", 1), Map.of(HEADER, key));
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      assertThat(keyRows(key)).hasSize(1);

      long start = System.nanoTime();
      while (!keyRows(key).isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
        Thread.sleep(100);
      }
      long goneAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(keyRows(key)).as("the key's row after %d ms", goneAfterMs).isEmpty();
      // Retention 1 s, a sweep every second: gone within about 3 s.
      assertThat(goneAfterMs).isLessThan(4_000);

      Response again = forgetful.post("/v1/query", insert("kept", 1), Map.of(HEADER, key));
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      assertThat(again.header(REPLAYED)).isNull();
      assertThat(count("name = 'kept'")).isEqualTo(2);
    } finally {
      forgetful.close();
    }
  }

  // ---- helpers ----

  private JsonObject insert(String name, int qty) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (name, qty) VALUES (?, ?)")
        .put("params", new JsonArray().add(name).add(qty));
  }

  private static String newKey() {
    return "key-" + UUID.randomUUID();
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private int count(String where) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE " + where)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The rows of dbgateway_idempotency for {@code key}, read directly from the database. */
  private List<JsonObject> keyRows(String key) throws SQLException {
    try (Connection c = engine().jdbc(); PreparedStatement s = c.prepareStatement(
        "SELECT operation, request_hash, response, created_at FROM dbgateway_idempotency WHERE idem_key = ?")) {
      s.setString(1, key);
      List<JsonObject> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(new JsonObject().put("operation", rs.getString(1)).put("request_hash", rs.getString(2))
              .put("response", rs.getString(3)).put("created_at", rs.getLong(4)));
        }
      }
      return rows;
    }
  }

  /** "keys/rows": the key's rows in dbgateway_idempotency and the unit's rows, read in one statement. */
  private String keyAndWork(String key) throws SQLException {
    try (Connection c = engine().jdbc(); PreparedStatement s = c.prepareStatement(
        "SELECT (SELECT COUNT(*) FROM dbgateway_idempotency WHERE idem_key = ?),"
            + " (SELECT COUNT(*) FROM " + table + " WHERE name = 'row')")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1) + "/" + rs.getInt(2);
      }
    }
  }

  private JsonObject keyRow(String key) throws SQLException {
    List<JsonObject> rows = keyRows(key);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
