package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as shipped, in a JVM of its own with the packaged {@code logback.xml} (tests otherwise log
 * plain lines): every line it writes is one JSON object, the access line carries the request's fields,
 * {@code /metrics} answers, and neither the database password, the API key's secret nor a parameter
 * value shows up anywhere in its output.
 */
class ShippedLogFormatTest {

  private static final Path SHIPPED_CONFIG = Path.of("target", "classes", "logback.xml").toAbsolutePath();

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyLineIsOneJsonObjectAndSecretsStayOut(@TempDir Path dir) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String dbPass = "dbpass-marker-" + run;
    String secret = "secret-marker-" + run + "-0123456789";
    String param = "param-marker-" + run;
    String requestId = "shipped-" + run;
    int port = FreePorts.take();
    try (ChildGateway child = ChildGateway.start(Map.of(
        "DB_TYPE", "sqlite",
        "DB_NAME", dir.resolve("gateway.db").toString(),
        "DB_PASS", dbPass,
        "GATEWAY_API_KEYS", "ops:write:" + secret,
        "GATEWAY_HTTP_PORT", Integer.toString(port)), List.of("-Dlogback.configurationFile=" + SHIPPED_CONFIG))) {
      child.awaitLine(line -> line.contains("DB Gateway ready"), 90);

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/query"))
          .header("Content-Type", "application/json")
          .header("Authorization", "Bearer " + secret)
          .header("X-Request-Id", requestId)
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sql", "SELECT ? AS v")
              .put("params", List.of(param)).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.headers().firstValue("X-Request-Id")).hasValue(requestId);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("dbgateway_operation_seconds_count{engine=\"sqlite\",operation=\"query\","
          + "outcome=\"ok\"} 1").contains("vertx_pool_in_use{pool_name=\"sqlite-writer\",pool_type=\"sql\"}");

      String access = child.awaitLine(line -> line.contains(requestId) && line.contains("dbgateway.access"), 10);
      JsonObject line = new JsonObject(access);
      assertThat(line.getString("level")).isEqualTo("INFO");
      assertThat(line.getString("requestId")).isEqualTo(requestId);
      assertThat(line.getString("method")).isEqualTo("POST");
      assertThat(line.getString("path")).isEqualTo("/v1/query");
      assertThat(line.getString("operation")).isEqualTo("query");
      assertThat(line.getString("keyId")).isEqualTo("ops");
      assertThat(line.getInteger("status")).isEqualTo(200);
      assertThat(line.getValue("durationMs")).isInstanceOf(Number.class);

      child.sigterm();
      assertThat(child.waitForExit(30)).isZero();
      List<String> lines = child.lines();
      String output = String.join("\n", lines);
      for (String text : lines) {
        JsonObject event;
        try {
          event = new JsonObject(text);
        } catch (RuntimeException e) {
          throw new AssertionError("not one JSON object: " + text + "\nwhole output:\n" + output, e);
        }
        assertThat(Instant.parse(event.getString("timestamp"))).isNotNull();
        assertThat(event.getString("level")).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
        assertThat(event.getString("logger")).isNotBlank();
        assertThat(event.getString("message")).isNotNull();
      }
      assertThat(output).doesNotContain(dbPass).doesNotContain(secret).doesNotContain(param);
    }
  }

}
