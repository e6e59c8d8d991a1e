package io.dbgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.testing.Scrape;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Vert.x HTTP server meters the gateway keeps for every request, and the redundant ones it does not
 * publish ({@link GatewayMetrics#NOT_PUBLISHED}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerRequestMetricsTest {

  @Test
  void redundantHttpServerMetersAreNotPublished() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = metrics.newVertx();
    try {
      HttpServer server = vertx.createHttpServer()
          .requestHandler(request -> request.response().setStatusCode(request.path().equals("/missing") ? 404 : 200)
              .end("answer"))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      HttpClient client = vertx.createHttpClient();
      for (String path : new String[] {"/a", "/b", "/missing"}) {
        client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", path)
            .compose(request -> request.send("body"))
            .compose(response -> response.body())
            .await(10, TimeUnit.SECONDS);
      }
      // The server records a response's metrics as it ends it, a moment after the client may have the body.
      Scrape scrape = new Scrape(metrics.scrape());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (scrape.sum("vertx_http_server_response_time_seconds_count", Map.of("method", "POST")) < 3
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
        scrape = new Scrape(metrics.scrape());
      }

      assertThat(scrape.value("vertx_http_server_response_time_seconds_count", Map.of("method", "POST", "code", "200")))
          .isEqualTo(2);
      assertThat(scrape.value("vertx_http_server_response_time_seconds_count", Map.of("method", "POST", "code", "404")))
          .isEqualTo(1);
      assertThat(scrape.text()).contains("vertx_http_server_active_requests", "vertx_http_server_bytes_written_total")
          .doesNotContain("vertx_http_server_requests_total", "vertx_http_server_request_bytes",
              "vertx_http_server_response_bytes");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
