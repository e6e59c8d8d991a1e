package io.dbgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.api.Addresses;
import io.dbgateway.config.DbType;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.Scrape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} on every engine: the scrape is Prometheus text, and operations are timed per
 * operation, engine and outcome whichever way they arrive. (Pool metrics: {@code tck/PoolTck}; breaker
 * metrics: {@code resilience/BreakerMetricsTest}.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class MetricsTck {

  static final String OPERATION = "dbgateway_operation_seconds";

  protected abstract Engine engine();

  /** The {@code engine} label: the configured {@code DB_TYPE}, as the gateway names it. */
  protected String engineLabel() {
    return DbType.parse(engine().env().get("DB_TYPE")).orElseThrow().id();
  }

  private Map<String, String> operation(String operation, String outcome) {
    return Map.of("operation", operation, "engine", engineLabel(), "outcome", outcome);
  }

  @Test
  void everyOperationIsTimedByOperationEngineAndOutcomeOverHttpAndTheBus() {
    GatewayUnderTest gateway = engine().gateway();
    String table = Engine.uniqueTable("metrics");
    assertThat(gateway.post("/v1/query", sql("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)")).status())
        .isEqualTo(200);
    Scrape before = Scrape.of(gateway);

    for (int i = 0; i < 3; i++) {
      assertThat(gateway.post("/v1/query", sql("SELECT 1 AS one")).status()).isEqualTo(200);
    }
    Response syntax = gateway.post("/v1/query", sql("SELEC 1"));
    assertThat(syntax.status()).as(syntax.body()).isEqualTo(400);
    Response batch = gateway.post("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (?)")
        .put("params", new JsonArray().add(new JsonArray().add(1)).add(new JsonArray().add(2))));
    assertThat(batch.status()).as(batch.body()).isEqualTo(200);
    Response duplicate = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(sql("SELECT COUNT(*) AS n FROM " + table))
        .add(sql("INSERT INTO " + table + " (id) VALUES (1)"))));
    assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(409);
    Response tx = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(sql("INSERT INTO " + table + " (id) VALUES (3)"))));
    assertThat(tx.status()).as(tx.body()).isEqualTo(200);
    gateway.request(Addresses.QUERY, sql("SELECT 2 AS two"));
    gateway.request(Addresses.QUERY, sql("SELECT 3 AS three"));
    Response streamed = gateway.send("POST", "/v1/query", sql("SELECT 4 AS four").encode().getBytes(),
        Map.of("Content-Type", "application/json", "Accept", "application/x-ndjson"));
    assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);

    Scrape after = Scrape.of(gateway);
    assertThat(after.hasType(OPERATION, "histogram")).as(after.text()).isTrue();
    Map<Map<String, String>, Integer> expected = Map.of(
        operation("query", "ok"), 5,
        operation("query", "SQL_ERROR"), 1,
        operation("batch", "ok"), 1,
        operation("transaction", "CONFLICT"), 1,
        operation("transaction", "ok"), 1,
        operation("stream", "ok"), 1);
    expected.forEach((labels, count) -> {
      assertThat(after.sum(OPERATION + "_count", labels) - before.sum(OPERATION + "_count", labels))
          .as("operations counted with %s", labels).isEqualTo(count.doubleValue());
      Map<String, String> infinity = new HashMap<>(labels);
      infinity.put("le", "+Inf");
      assertThat(after.sum(OPERATION + "_bucket", infinity) - before.sum(OPERATION + "_bucket", infinity))
          .as("operations in the +Inf bucket with %s", labels).isEqualTo(count.doubleValue());
      assertThat(after.sum(OPERATION + "_sum", labels)).as("seconds spent with %s", labels)
          .isGreaterThan(before.sum(OPERATION + "_sum", labels));
    });
    // Buckets are cumulative, from a millisecond up.
    List<Scrape.Sample> buckets = after.samples(OPERATION + "_bucket", operation("query", "ok"));
    assertThat(buckets).extracting(s -> s.labels().get("le")).contains("0.001", "0.1", "1.0", "+Inf");
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).value()).isGreaterThanOrEqualTo(buckets.get(i - 1).value());
    }
  }

  @Test
  void openInteractiveTransactionsAreCountedUntilTheyEnd() throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(engine().env()); // its own: no transactions left by others
    try {
      String open = "dbgateway_transactions_open";
      assertThat(Scrape.of(gateway).value(open, Map.of())).isZero();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        // Read-only: SQLite has one writer connection, and two read-write transactions would queue for it.
        Response begun = gateway.post("/v1/transactions", new JsonObject().put("readOnly", true));
        assertThat(begun.status()).as(begun.body()).isEqualTo(200);
        ids.add(begun.json().getString("txId"));
      }
      assertThat(Scrape.of(gateway).value(open, Map.of())).isEqualTo(2);
      assertThat(gateway.post("/v1/transactions/" + ids.get(0) + "/commit", "").status()).isEqualTo(200);
      Scrape.await(gateway, s -> s.value(open, Map.of()) == 1, 5_000);
      assertThat(gateway.post("/v1/transactions/" + ids.get(1) + "/rollback", "").status()).isEqualTo(200);

      Scrape after = Scrape.await(gateway, s -> s.value(open, Map.of()) == 0, 5_000);
      assertThat(after.sum(OPERATION + "_count", operation("tx.begin", "ok"))).isEqualTo(2);
      assertThat(after.sum(OPERATION + "_count", operation("tx.commit", "ok"))).isEqualTo(1);
      assertThat(after.sum(OPERATION + "_count", operation("tx.rollback", "ok"))).isEqualTo(1);
    } finally {
      gateway.close();
    }
  }

  static JsonObject sql(String sql) {
    return new JsonObject().put("sql", sql);
  }
}
