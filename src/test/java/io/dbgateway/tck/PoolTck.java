package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.DbType;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.Scrape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pool's limits: a bounded wait queue that answers 503 at once when full, and connections that
 * are never shared between two requests. Runs against its own gateway with a pool of one connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PoolTck {

  protected abstract Engine engine();

  private GatewayUnderTest gateway;

  @BeforeAll
  void startSmallPoolGateway() {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    env.put("GATEWAY_POOL_MAX_WAIT_QUEUE", "1");
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "30000");
    gateway = GatewayUnderTest.start(env);
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  /** The labels of the pool {@code gateway} writes through (the node a query answers from). */
  private Map<String, String> writerPool(GatewayUnderTest gateway) {
    String node = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one")).json().getString("node");
    String engine = DbType.parse(engine().env().get("DB_TYPE")).orElseThrow().id();
    return Map.of("pool_type", "sql", "pool_name", Scrape.writerPool(engine, node));
  }

  @Test
  void fullWaitQueueAnswers503AtOnceWhileTheOthersComplete() throws Exception {
    Map<String, String> pool = writerPool(gateway);
    Scrape.await(gateway, s -> s.value("vertx_pool_in_use", pool) == 0, 10_000);
    // Long enough that a loaded machine still sees the connection held and the queue full.
    JsonObject slow = new JsonObject().put("sql", engine().slowStatement()).put("timeoutMs", 4000);
    CompletableFuture<Response> holding = gateway.postAsync("/v1/query", slow);
    Scrape.await(gateway, s -> s.value("vertx_pool_in_use", pool) == 1, 10_000);
    CompletableFuture<Response> waiting = gateway.postAsync("/v1/query", slow);
    Scrape.await(gateway, s -> s.value("vertx_pool_queue_pending", pool) == 1, 10_000);
    Response rejected = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one"));

    assertThat(rejected.status()).as(rejected.body()).isEqualTo(503);
    assertThat(rejected.json().getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(rejected.json().getBoolean("retryable")).isTrue();
    assertThat(rejected.header("retry-after")).isNotBlank();
    // The rejection came back while the first request still held the only connection.
    assertThat(holding).isNotDone();

    assertThat(holding.get().status()).isEqualTo(504);
    assertThat(waiting.get().status()).isEqualTo(504);
    assertThat(gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one")).status()).isEqualTo(200);
  }

  @Test
  void theNodesPoolMetricsShowConnectionsInUseAndRequestsWaiting() throws Exception {
    Map<String, String> pool = writerPool(gateway);
    Scrape idle = Scrape.await(gateway, s -> s.value("vertx_pool_in_use", pool) == 0, 10_000);
    assertThat(idle.value("vertx_pool_queue_pending", pool)).isZero();
    double waits = idle.value("vertx_pool_queue_time_seconds_count", pool);
    double uses = idle.value("vertx_pool_usage_seconds_count", pool);

    JsonObject slow = new JsonObject().put("sql", engine().slowStatement()).put("timeoutMs", 1500);
    List<CompletableFuture<Response>> inFlight = List.of(gateway.postAsync("/v1/query", slow),
        gateway.postAsync("/v1/query", slow));
    // The pool's one connection in use, and the other request waiting for it.
    Scrape busy = Scrape.await(gateway, s -> s.value("vertx_pool_in_use", pool) == 1
        && s.value("vertx_pool_queue_pending", pool) == 1, 10_000);
    assertThat(busy.value("vertx_pool_ratio", pool)).isEqualTo(1.0);
    for (CompletableFuture<Response> request : inFlight) {
      assertThat(request.get().status()).isEqualTo(504);
    }

    Scrape after = Scrape.await(gateway, s -> s.value("vertx_pool_in_use", pool) == 0, 10_000);
    assertThat(after.value("vertx_pool_queue_pending", pool)).isZero();
    assertThat(after.value("vertx_pool_queue_time_seconds_count", pool) - waits).as("waits for a connection")
        .isGreaterThanOrEqualTo(2);
    assertThat(after.value("vertx_pool_usage_seconds_count", pool) - uses).as("connections used and given back")
        .isGreaterThanOrEqualTo(2);
    Map<String, String> infinity = new HashMap<>(pool);
    infinity.put("le", "+Inf");
    assertThat(after.value("vertx_pool_queue_time_seconds_bucket", infinity)).as("waits in the histogram")
        .isEqualTo(after.value("vertx_pool_queue_time_seconds_count", pool));
  }

  @Test
  void concurrentTransactionsEachGetTheirOwnConnection() throws Exception {
    // The engine's shared gateway: a pool of ten and a deep wait queue, so all twenty are served.
    GatewayUnderTest gateway = engine().gateway();
    String table = Engine.uniqueTable("pool");
    assertThat(gateway.post("/v1/query", new JsonObject()
        .put("sql", "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)")).status()).isEqualTo(200);
    List<CompletableFuture<Response>> inFlight = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      inFlight.add(gateway.postAsync("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (?)").put("params", new JsonArray().add(i)))
          .add(new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table + " WHERE id = ?")
              .put("params", new JsonArray().add(i))))));
    }
    for (CompletableFuture<Response> f : inFlight) {
      Response r = f.get();
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().getJsonArray("results").getJsonObject(1).getJsonArray("rows").getJsonObject(0)
          .getInteger("n")).isEqualTo(1);
    }
    Response total = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table));
    assertThat(total.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(20);
  }
  @Test
  void aPoolBusyPastItsWaitShedsWith503AndNeverOpensTheBreaker() throws Exception {
    // One connection, a short wait, and a breaker that would open at the first failure it counted.
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    env.put("GATEWAY_POOL_WAIT_TIMEOUT_MS", "600");
    env.put("GATEWAY_BREAKER_MAX_FAILURES", "1");
    GatewayUnderTest busy = GatewayUnderTest.start(env);
    try {
      JsonObject quick = new JsonObject().put("sql", "SELECT 1 AS one");
      String node = busy.post("/v1/query", quick).json().getString("node");
      Map<String, String> pool = writerPool(busy);
      CompletableFuture<Response> holding = busy.postAsync("/v1/query",
          new JsonObject().put("sql", engine().slowStatement()).put("timeoutMs", 3500));
      Scrape.await(busy, s -> s.value("vertx_pool_in_use", pool) == 1, 10_000);
      for (int i = 0; i < 2; i++) {
        Response shed = busy.post("/v1/query", quick);
        assertThat(shed.status()).as(shed.body()).isEqualTo(503);
        assertThat(shed.json().getString("code")).isEqualTo("UNAVAILABLE");
        assertThat(shed.json().getString("detail")).contains("stayed in use", "at capacity");
        assertThat(shed.header("retry-after")).isEqualTo("1");
      }
      assertThat(holding).as("the connection was still held while the others were shed").isNotDone();
      assertThat(holding.get().status()).isEqualTo(504);

      Response after = busy.post("/v1/query", quick);
      assertThat(after.status()).as("the breaker stayed closed: " + after.body()).isEqualTo(200);
      Scrape scrape = Scrape.of(busy);
      assertThat(scrape.value("dbgateway_breaker_opened_total", Map.of("node", node))).isZero();
      assertThat(scrape.value("dbgateway_breaker_state", Map.of("node", node))).isZero();
    } finally {
      busy.close();
    }
  }
}
