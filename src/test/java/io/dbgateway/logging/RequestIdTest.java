package io.dbgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.Problem;
import io.dbgateway.http.AccessLog;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.JsonLogCapture;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request ids and the access log: the id a client sends in {@code X-Request-Id} (when sane) or one the
 * gateway makes comes back on every answer, problems included, and every log line of the request
 * carries it, on whichever event loop it is logged. (The retry line: {@code resilience/RetryTck}; the
 * breaker's: {@code resilience/BreakerMetricsTest}; secrets: {@link SecretsNotLoggedTck}.)
 */
class RequestIdTest {

  private static final String UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final GatewayUnderTest gateway = Engine.SQLITE.gateway();

  private Response query(String sql, Map<String, String> headers) {
    return gateway.post("/v1/query", new JsonObject().put("sql", sql), headers);
  }

  @Test
  void aSaneRequestIdIsReturnedAndCarriedByTheAccessLine() throws Exception {
    String id = "client-" + UUID.randomUUID() + ":a.b_c";
    try (JsonLogCapture access = JsonLogCapture.of(AccessLog.LOGGER, null)) {
      Response r = query("SELECT 1 AS one", Map.of("X-Request-Id", id));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-request-id")).isEqualTo(id);

      JsonObject line = access.await(e -> id.equals(e.getString("requestId")), 5000);
      assertThat(line.getString("level")).isEqualTo("INFO");
      assertThat(line.getString("logger")).isEqualTo(AccessLog.LOGGER);
      assertThat(line.getString("method")).isEqualTo("POST");
      assertThat(line.getString("path")).isEqualTo("/v1/query");
      assertThat(line.getString("operation")).isEqualTo("query");
      assertThat(line.getString("keyId")).as("no keys, on loopback").isEqualTo("anonymous");
      assertThat(line.getInteger("status")).isEqualTo(200);
      assertThat(line.getDouble("durationMs")).isNotNegative();
      assertThat(line.getString("message")).startsWith("POST /v1/query 200 ");
      assertThat(line.containsKey("aborted")).as("the response was sent whole").isFalse();
      assertThat(access.events(e -> id.equals(e.getString("requestId")))).as("one access line per request").hasSize(1);

      String streamed = "streamed-" + UUID.randomUUID();
      Response rows = gateway.send("POST", "/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").encode().getBytes(),
          Map.of("Content-Type", "application/json", "Accept", "application/x-ndjson", "X-Request-Id", streamed));
      assertThat(rows.status()).isEqualTo(200);
      assertThat(rows.header("x-request-id")).isEqualTo(streamed);
      assertThat(access.await(e -> streamed.equals(e.getString("requestId")), 5000).getString("operation"))
          .isEqualTo("stream");
    }
  }

  @Test
  void aLongestSaneIdIsKeptAndAnythingElseIsReplacedByAGeneratedOne() {
    String longest = "x".repeat(RequestId.MAX_LENGTH);
    assertThat(query("SELECT 1 AS one", Map.of("X-Request-Id", longest)).header("x-request-id")).isEqualTo(longest);
    for (String insane : List.of("x".repeat(RequestId.MAX_LENGTH + 1), "has space", "semi;colon", "quote\"d",
        "{\"json\":1}", "caf\u00e9", "slash/ed", "")) {
      Response r = query("SELECT 1 AS one", Map.of("X-Request-Id", insane));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-request-id")).as("the id answered for %s", insane).matches(UUID_SHAPE);
    }
    String first = query("SELECT 1 AS one", Map.of()).header("x-request-id");
    String second = query("SELECT 1 AS one", Map.of()).header("x-request-id");
    assertThat(first).matches(UUID_SHAPE);
    assertThat(second).matches(UUID_SHAPE).isNotEqualTo(first);
  }

  @Test
  void problemsCarryTheRequestIdAndHaveAnAccessLineToo() throws Exception {
    try (JsonLogCapture access = JsonLogCapture.of(AccessLog.LOGGER, null)) {
      Map<String, Integer> sent = Map.of(
          "problem-sql-" + UUID.randomUUID(), 400,
          "problem-json-" + UUID.randomUUID(), 400,
          "problem-path-" + UUID.randomUUID(), 404,
          "problem-size-" + UUID.randomUUID(), 413);
      for (Map.Entry<String, Integer> request : sent.entrySet()) {
        Map<String, String> header = Map.of("X-Request-Id", request.getKey());
        String kind = request.getKey().split("-")[1];
        Response r = switch (kind) {
          case "sql" -> query("SELEC 1", header);
          case "json" -> gateway.send("POST", "/v1/query", "{\"sql\": ".getBytes(), json(header));
          case "path" -> gateway.send("GET", "/v1/nothing-here", null, header);
          default -> gateway.send("POST", "/v1/query", new byte[2 * 1024 * 1024], json(header));
        };
        assertThat(r.status()).as(r.body()).isEqualTo(request.getValue());
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.header("x-request-id")).isEqualTo(request.getKey());
      }
      for (Map.Entry<String, Integer> request : sent.entrySet()) {
        JsonObject line = access.await(e -> request.getKey().equals(e.getString("requestId")), 5000);
        assertThat(line.getInteger("status")).isEqualTo(request.getValue());
      }
    }
  }

  @Test
  void anUnexpectedFailureIsLoggedWithItsRequestIdAndKeyAndAnsweredWithoutAStackTrace() throws Exception {
    String id = "internal-" + UUID.randomUUID();
    DeliveryOptions headers = new Caller("ops-key", io.dbgateway.auth.Role.WRITE).addTo(new DeliveryOptions())
        .addHeader(RequestId.BUS_HEADER, id);
    try (JsonLogCapture lines = JsonLogCapture.of(io.dbgateway.operations.Operations.class)) {
      // Not a JSON object: no adapter sends this, so the verticle fails in a way it did not foresee.
      ReplyException failure = null;
      try {
        gateway.vertx().eventBus().request(Addresses.QUERY, "not a JSON object", headers).await(30, TimeUnit.SECONDS);
      } catch (ReplyException e) {
        failure = e;
      }
      assertThat(failure).as("the operation failed").isNotNull();
      assertThat(failure.failureCode()).isEqualTo(500);
      Problem problem = Problem.fromJson(new JsonObject(failure.getMessage()));
      assertThat(problem.detail()).isEqualTo("unexpected failure");
      assertThat(failure.getMessage()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.dbgateway");

      JsonObject line = lines.await(e -> id.equals(e.getString("requestId")), 5000);
      assertThat(line.getString("level")).isEqualTo("ERROR");
      assertThat(line.getString("keyId")).isEqualTo("ops-key");
      assertThat(line.getString("exception")).as("the stack trace is for the operator").contains("\tat ");
    }
  }

  private static Map<String, String> json(Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Content-Type", "application/json");
    return all;
  }
}
