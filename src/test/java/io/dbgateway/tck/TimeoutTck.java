package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code timeoutMs} is enforced by the database: the statement is cancelled there, not abandoned. */
public abstract class TimeoutTck {

  protected abstract Engine engine();

  /** A statement that runs for about {@code ms} milliseconds on {@code gateway}'s database. */
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    return engine().sleepStatement(ms / 1000.0);
  }

  /** How many statements like the engine's {@link Engine#slowStatement()} the server is still running. */
  protected int stillRunning() throws SQLException {
    return engine().runningStatements(engine().slowStatement());
  }

  /** Counts with {@code running} until it is 0 or 5 s have passed (a cancel takes the server a moment); the last count. */
  protected static int runningAfterAMoment(java.util.concurrent.Callable<Integer> running) throws Exception {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    int count = running.call();
    while (count > 0 && System.nanoTime() < until) {
      Thread.sleep(50);
      count = running.call();
    }
    return count;
  }

  @Test
  void statementPastItsTimeoutIsCancelledOnTheServer() throws Exception {
    GatewayUnderTest gateway = engine().gateway();
    long start = System.nanoTime();
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", engine().slowStatement()).put("timeoutMs", 300));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.status()).as(r.body()).isEqualTo(504);
    assertThat(r.json().getString("code")).isEqualTo("TIMEOUT");
    // Behaviour, not speed: far below the minute the statement would have taken.
    assertThat(took).isLessThan(Duration.ofSeconds(20));
    assertThat(stillRunning()).isZero();
    Response after = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one"));
    assertThat(after.status()).isEqualTo(200);
  }

  @Test
  void timeoutInsideATransactionRollsItBack() throws Exception {
    GatewayUnderTest gateway = engine().gateway();
    String table = Engine.uniqueTable("tmo");
    gateway.post("/v1/query", new JsonObject().put("sql", "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)"));
    Response r = gateway.post("/v1/transaction", new JsonObject().put("timeoutMs", 300).put("statements",
        new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (1)"))
            .add(new JsonObject().put("sql", engine().slowStatement()))));
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.json().getInteger("statementIndex")).isEqualTo(1);
    Response count = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table));
    assertThat(count.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isZero();
  }

  /**
   * A transaction's deadline is fixed when it arrives: its {@code timeoutMs} plus the pool wait. One whose
   * statements each finish in time but together run past it is stopped there, answers 504, and commits
   * nothing (the gateway never sends COMMIT past the deadline).
   */
  @Test
  void aTransactionPastItsDeadlineAnswers504AndCommitsNothing() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>(engine().env());
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "500");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      transactionPastItsDeadline(gateway);
    } finally {
      gateway.close();
    }
  }

  private void transactionPastItsDeadline(GatewayUnderTest gateway) {
    String table = Engine.uniqueTable("deadline");
    gateway.post("/v1/query", new JsonObject().put("sql", "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)"));
    long timeoutMs = 1_500; // the deadline: 2 s after the transaction arrives
    String step = statementTaking(gateway, 600);
    io.vertx.core.json.JsonArray statements = new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (1)"));
    for (int i = 0; i < 5; i++) {
      statements.add(new JsonObject().put("sql", step)); // each in time, together about 3 s
    }
    Response r = gateway.post("/v1/transaction", new JsonObject().put("timeoutMs", timeoutMs).put("statements", statements));
    assertThat(r.status()).as(r.body()).isEqualTo(504);
    assertThat(r.json().getString("code")).isEqualTo("TIMEOUT");
    Response count = gateway.post("/v1/query", new JsonObject()
        .put("sql", "SELECT COUNT(*) AS n FROM " + table).put("consistency", "strong"));
    assertThat(count.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).as("rows committed").isZero();
    // The same transaction with time enough commits: the deadline, not the statements, stopped it.
    Response inTime = gateway.post("/v1/transaction", new JsonObject().put("timeoutMs", 20_000).put("statements", statements));
    assertThat(inTime.status()).as(inTime.body()).isEqualTo(200);
    Response after = gateway.post("/v1/query", new JsonObject()
        .put("sql", "SELECT COUNT(*) AS n FROM " + table).put("consistency", "strong"));
    assertThat(after.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(1);
  }
}
