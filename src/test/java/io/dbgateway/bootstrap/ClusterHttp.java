package io.dbgateway.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** HTTP to the gateways of a test cluster, each at {@code http://<host>:<port>}, with one API key. */
final class ClusterHttp {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String secret;
  private final Duration timeout;

  ClusterHttp(String secret, Duration timeout) {
    this.secret = secret;
    this.timeout = timeout;
  }

  HttpResponse<String> send(String base, String path, JsonObject body) throws Exception {
    return send(base, path, body, secret, null);
  }

  /** A POST with {@code secret} as its Bearer key, and an {@code Idempotency-Key} unless null. */
  HttpResponse<String> send(String base, String path, JsonObject body, String secret, String idempotencyKey)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .header("Authorization", "Bearer " + secret);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    request = body == null ? request.POST(HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST that must answer 200; its body. */
  JsonObject post(String base, String path, JsonObject body) throws Exception {
    HttpResponse<String> answer = send(base, path, body);
    assertThat(answer.statusCode()).as(base + path + ": " + answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  /** The members the gateway's readiness lists, or -1 when it does not answer. */
  int members(String base) {
    try {
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      for (Object check : new JsonObject(ready.body()).getJsonArray("checks")) {
        JsonObject c = (JsonObject) check;
        if ("cluster".equals(c.getString("id"))) {
          return c.getJsonObject("data").getJsonArray("members").size();
        }
      }
      return -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** Waits ({@code seconds} at most) until the gateway's readiness lists {@code members} members. */
  void awaitMembers(String base, int members, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = members(base);
      if (last == members) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the gateway at " + base + " did not see " + members + " members (last: " + last + ")");
  }
}
