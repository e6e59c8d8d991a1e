package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.JsonLogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Safe retries: a unit whose failure proves it did not commit (serialization failure, deadlock, lock
 * wait timeout, SQLite busy) is run again whole, with backoff, up to {@code GATEWAY_RETRY_MAX_ATTEMPTS};
 * any other failure is answered at once. Each engine provokes its own retryable failure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class RetryTck {

  protected abstract Engine engine();

  /**
   * Arranges that the next {@code failures} attempts of a write unit that runs {@link Flaky#statement()}
   * fail with this engine's retryable error; later attempts succeed.
   */
  protected abstract Flaky flaky(int failures, RetryLog log) throws Exception;

  /** A provoked retryable failure, and how many attempts the database saw. */
  protected interface Flaky extends AutoCloseable {

    /** The statement a unit must run to meet the failure. */
    String statement();

    /** Attempts made so far. */
    int attempts() throws Exception;

    @Override
    default void close() throws Exception {}
  }

  protected GatewayUnderTest gateway;
  protected String table;
  protected RetryLog log;

  @BeforeEach
  void setUp() throws SQLException {
    gateway = engine().gateway();
    table = Engine.uniqueTable("retry");
    execute("CREATE TABLE " + table + " (name VARCHAR(50) NOT NULL, tag VARCHAR(50) UNIQUE)");
    log = new RetryLog();
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void aTransactionThatFailsRetryablyIsRetriedWholeAndThenSucceeds() throws Exception {
    try (Flaky flaky = flaky(1, log)) {
      Response r = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(insert("whole"))
          .add(new JsonObject().put("sql", flaky.statement()))));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(flaky.attempts()).isEqualTo(2);
      assertThat(log.retries()).hasSize(1);
    }
    // The first attempt's insert was rolled back with it: the row is there once.
    assertThat(count("name = 'whole'")).isEqualTo(1);
  }

  @Test
  void aSingleStatementThatFailsRetryablyIsRetried() throws Exception {
    try (Flaky flaky = flaky(1, log)) {
      Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(flaky.attempts()).isEqualTo(2);
      assertThat(log.retries()).hasSize(1);
    }
  }

  @Test
  void aRetryIsLoggedWithTheRequestIdOfItsRequest() throws Exception {
    String id = "retry-" + UUID.randomUUID();
    try (JsonLogCapture lines = JsonLogCapture.of(RetryPolicy.class); Flaky flaky = flaky(1, log)) {
      Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()), Map.of("X-Request-Id", id));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.header("x-request-id")).isEqualTo(id);
      // Logged on the database verticle's event loop, after the HTTP request crossed the event bus.
      JsonObject retry = lines.await(line -> line.getString("message").contains("failed safely"), 5000);
      assertThat(retry.getString("requestId")).isEqualTo(id);
      assertThat(retry.getString("thread")).startsWith("vert.x-eventloop-thread");
    }
  }

  @Test
  void retriesStopAtTheLimitAndTheFailureAnswers409Retryable() throws Exception {
    GatewayUnderTest limited = ownGateway(Map.of("GATEWAY_RETRY_MAX_ATTEMPTS", "2"));
    try (Flaky flaky = flaky(100, log)) {
      Response r = limited.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(insert("limit"))
          .add(new JsonObject().put("sql", flaky.statement()))));
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().getString("code")).isEqualTo("CONFLICT");
      assertThat(r.json().getBoolean("retryable")).isTrue();
      assertThat(flaky.attempts()).isEqualTo(2);
      assertThat(log.retries()).hasSize(1);
    } finally {
      limited.close();
    }
    assertThat(count("name = 'limit'")).isZero();
  }

  @Test
  void withOneAttemptTheRetryableFailureIsAnswered409AtOnce() throws Exception {
    GatewayUnderTest once = ownGateway(Map.of("GATEWAY_RETRY_MAX_ATTEMPTS", "1"));
    try (Flaky flaky = flaky(1, log)) {
      Response r = once.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().getString("code")).isEqualTo("CONFLICT");
      assertThat(r.json().getBoolean("retryable")).isTrue();
      assertThat(r.json().getString("sqlState")).isEqualTo("40001");
      assertThat(flaky.attempts()).isEqualTo(1);
      assertThat(log.retries()).isEmpty();
    } finally {
      once.close();
    }
  }

  @Test
  void aConstraintViolationIsNeverRetried() throws Exception {
    execute("INSERT INTO " + table + " (name, tag) VALUES ('first', 'dup')");
    try (Flaky counter = flaky(0, log)) {
      Response r = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(new JsonObject().put("sql", counter.statement()))
          .add(new JsonObject().put("sql", "INSERT INTO " + table + " (name, tag) VALUES ('second', 'dup')"))));
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().getString("code")).isEqualTo("CONFLICT");
      assertThat(r.json().getBoolean("retryable")).isFalse();
      assertThat(r.json().getInteger("statementIndex")).isEqualTo(1);
      // A unit is answered after its last attempt: a retry, had one been scheduled, came before this answer.
      assertThat(counter.attempts()).isEqualTo(1);
      assertThat(log.retries()).isEmpty();
    }
    assertThat(count("name = 'second'")).isZero();
  }

  @Test
  void aRetriedUnitWithAnIdempotencyKeyRecordsItOnce() throws Exception {
    String key = "retry-" + UUID.randomUUID();
    try (Flaky flaky = flaky(1, log)) {
      JsonObject tx = new JsonObject().put("statements", new JsonArray()
          .add(insert("keyed"))
          .add(new JsonObject().put("sql", flaky.statement())));
      Response r = gateway.post("/v1/transaction", tx, Map.of("Idempotency-Key", key));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(flaky.attempts()).isEqualTo(2);

      Response replay = gateway.post("/v1/transaction", tx, Map.of("Idempotency-Key", key));
      assertThat(replay.status()).isEqualTo(200);
      assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(replay.json()).isEqualTo(r.json());
      assertThat(flaky.attempts()).as("the replay did not run the work").isEqualTo(2);
    }
    assertThat(count("name = 'keyed'")).isEqualTo(1);
    try (Connection c = engine().jdbc();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM dbgateway_idempotency WHERE idem_key = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  // ---- helpers ----

  /** A gateway of its own on this engine's database, with some settings changed. */
  protected GatewayUnderTest ownGateway(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("GATEWAY_RETRY_INITIAL_DELAY_MS", "20");
    env.putAll(settings);
    return GatewayUnderTest.start(env);
  }

  protected JsonObject insert(String name) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (name) VALUES (?)")
        .put("params", new JsonArray().add(name));
  }

  protected void execute(String sql) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement()) {
      s.execute(sql);
    }
  }

  protected long queryLong(String sql) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  protected int count(String where) throws SQLException {
    return (int) queryLong("SELECT COUNT(*) FROM " + table + " WHERE " + where);
  }
}
