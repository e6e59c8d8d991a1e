package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.api.Addresses;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-request limits, each set low here: parameters per statement, and the largest maxRows and
 * timeoutMs a request may ask for. Past each, a 400 that names the limit. (The body limit is in
 * {@link HttpAuthTest}, the request rate in {@link RateLimiterTest}.)
 */
class RequestLimitsTest {

  @TempDir
  static Path dir;
  static GatewayUnderTest gateway;

  @BeforeAll
  static void start() throws java.io.IOException {
    Path queries = java.nio.file.Files.createDirectories(dir.resolve("queries"));
    java.nio.file.Files.writeString(queries.resolve("sums.json"), new JsonArray()
        .add(new JsonObject().put("name", "sum4").put("sql", "SELECT :a + :b + :c + :d AS n").put("readOnly", true))
        .add(new JsonObject().put("name", "sum3").put("sql", "SELECT :a + :b + :c AS n").put("readOnly", true)).encode());
    gateway = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("limits.db"), Map.of("GATEWAY_QUERIES", queries.toString(),
        "GATEWAY_LIMIT_MAX_PARAMS", "3", "GATEWAY_QUERY_MAX_ROWS_LIMIT", "10", "GATEWAY_QUERY_DEFAULT_MAX_ROWS", "5",
        "GATEWAY_QUERY_MAX_TIMEOUT_MS", "2000", "GATEWAY_QUERY_DEFAULT_TIMEOUT_MS", "1000")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static void assertBadRequest(Response r, String... details) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(r.json().getString("detail")).contains(details);
  }

  private static JsonObject query(String sql, Object params) {
    return new JsonObject().put("sql", sql).put("params", params);
  }

  @Test
  void aStatementMayBindAtMostMaxParamsValues() {
    Response ok = gateway.post("/v1/query", query("SELECT ? + ? + ? AS n", new JsonArray().add(1).add(2).add(3)));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(6);

    assertBadRequest(gateway.post("/v1/query", query("SELECT ? + ? + ? + ? AS n", new JsonArray().add(1).add(2).add(3).add(4))),
        "params has 4 values", "at most 3", "GATEWAY_LIMIT_MAX_PARAMS");
    JsonObject named = new JsonObject().put("a", 1).put("b", 2).put("c", 3).put("d", 4);
    assertBadRequest(gateway.post("/v1/query", query("SELECT :a AS a", named)), "params has 4 values");
  }

  @Test
  void theLimitHoldsForEveryBatchSetAndEveryTransactionStatementAndOnTheBus() {
    JsonArray small = new JsonArray().add(1);
    JsonArray big = new JsonArray().add(1).add(2).add(3).add(4);
    assertBadRequest(gateway.post("/v1/batch", new JsonObject().put("sql", "SELECT ?, ?, ?, ?")
        .put("params", new JsonArray().add(small).add(big))), "params[1] has 4 values");
    assertBadRequest(gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(query("SELECT ?", small)).add(query("SELECT ?, ?, ?, ?", big)))), "statements[1].params has 4 values");
    try {
      gateway.request(Addresses.QUERY, query("SELECT ?, ?, ?, ?", big));
      throw new AssertionError("the bus took 4 values");
    } catch (ReplyException e) {
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(e.getMessage()).contains("at most 3");
    }
  }

  @Test
  void theLimitHoldsForNamedQueries() {
    JsonObject three = new JsonObject().put("a", 1).put("b", 2).put("c", 3);
    Response ok = gateway.post("/v1/queries/sum3", new JsonObject().put("params", three));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(6);
    assertBadRequest(gateway.post("/v1/queries/sum4", new JsonObject().put("params", three.copy().put("d", 4))),
        "params has 4 values", "GATEWAY_LIMIT_MAX_PARAMS");
  }

  @Test
  void maxRowsAboveTheLimitIsRefusedNotClamped() {
    Response ok = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("maxRows", 10));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertBadRequest(gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("maxRows", 11)),
        "maxRows must be between 0 and 10", "11 is above this gateway's limit (GATEWAY_QUERY_MAX_ROWS_LIMIT)");
    assertBadRequest(gateway.post("/v1/transaction", new JsonObject().put("maxRows", 1_000_000)
        .put("statements", new JsonArray().add(new JsonObject().put("sql", "SELECT 1")))), "GATEWAY_QUERY_MAX_ROWS_LIMIT");
  }

  @Test
  void timeoutMsAboveTheLimitIsRefusedNotClamped() {
    Response ok = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("timeoutMs", 2000));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertBadRequest(gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("timeoutMs", 2001)),
        "timeoutMs must be between 1 and 2000", "GATEWAY_QUERY_MAX_TIMEOUT_MS");
    assertBadRequest(gateway.post("/v1/batch", new JsonObject().put("sql", "SELECT ?").put("timeoutMs", 86_400_000)
        .put("params", new JsonArray().add(new JsonArray().add(1)))), "GATEWAY_QUERY_MAX_TIMEOUT_MS");
  }
}
