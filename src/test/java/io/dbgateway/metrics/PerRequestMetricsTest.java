package io.dbgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.Scrape;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server meters ({@code vertx_http_server_*}) the gateway records for every request, under the
 * names Vert.x gives them, and that every label value comes from a closed set.
 */
class PerRequestMetricsTest {

  @Test
  void everyRequestIsCountedByMethodAndStatusAndUnknownMethodsShareOneLabel(@TempDir Path dir) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(Map.of("DB_TYPE", "sqlite",
        "DB_NAME", dir.resolve("metrics.db").toString()));
    try {
      JsonObject one = new JsonObject().put("sql", "SELECT 1 AS one");
      assertThat(gateway.post("/v1/query", one).status()).isEqualTo(200);
      assertThat(gateway.post("/v1/query", one).status()).isEqualTo(200);
      assertThat(gateway.post("/v1/nothing-here", one).status()).isEqualTo(404);
      for (int i = 0; i < 20; i++) {
        gateway.send("ZZM" + i, "/health/live", new byte[0], Map.of());
      }

      Scrape scrape = Scrape.await(gateway,
          s -> s.sum("vertx_http_server_response_time_seconds_count", Map.of("method", "OTHER")) >= 20, 10_000);
      assertThat(scrape.value("vertx_http_server_response_time_seconds_count", Map.of("method", "POST", "code", "200")))
          .isEqualTo(2);
      assertThat(scrape.value("vertx_http_server_response_time_seconds_count", Map.of("method", "POST", "code", "404")))
          .isEqualTo(1);
      assertThat(scrape.samples("vertx_http_server_response_time_seconds_count", Map.of()))
          .as("twenty made-up methods add no label value of their own")
          .allSatisfy(sample -> assertThat(sample.labels().get("method")).isIn("GET", "POST", "OTHER"));
      assertThat(scrape.text()).doesNotContain("ZZM");
      assertThat(scrape.value("vertx_http_server_active_requests", Map.of("method", "POST"))).isZero();
      assertThat(scrape.value("vertx_http_server_active_connections", Map.of())).as("the scrape's own").isGreaterThanOrEqualTo(1);
      assertThat(scrape.value("vertx_http_server_bytes_read_total", Map.of())).as("request bodies")
          .isGreaterThanOrEqualTo(3 * one.encode().length());
      assertThat(scrape.value("vertx_http_server_bytes_written_total", Map.of())).isPositive();
      assertThat(scrape.text()).doesNotContain("vertx_http_server_requests_total", "vertx_http_server_request_bytes",
          "vertx_http_server_response_bytes");
    } finally {
      gateway.close();
    }
  }
}
