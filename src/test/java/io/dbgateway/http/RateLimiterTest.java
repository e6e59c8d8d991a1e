package io.dbgateway.http;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.api.Addresses;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.BridgeClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token bucket per key: the arithmetic on a clock the test moves, then 429 over real HTTP. */
class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(42 * SECOND);

  @Test
  void aKeyMayUseItsBurstAtOnceThenItsRate() {
    RateLimiter limiter = new RateLimiter(2, 5, now::get);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire("k")).as("request %d of the burst", i + 1).isZero();
    }
    assertThat(limiter.acquire("k")).as("the bucket is empty").isEqualTo(1);
    now.addAndGet(SECOND / 2); // one token back at 2 per second
    assertThat(limiter.acquire("k")).isZero();
    assertThat(limiter.acquire("k")).isEqualTo(1);
    now.addAndGet(10 * SECOND); // refills to the burst, not beyond
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire("k")).isZero();
    }
    assertThat(limiter.acquire("k")).isEqualTo(1);
  }

  @Test
  void inAClusterEachOfTheInstancesTakesItsShareOfTheRateAndTheBurst() {
    RateLimiter limiter = new RateLimiter(8, 8, now::get);
    limiter.instances(4); // four gateways: 2 a second and a burst of 2 each
    assertThat(limiter.acquire("k")).isZero();
    assertThat(limiter.acquire("k")).isZero();
    assertThat(limiter.acquire("k")).as("this instance's share of the burst is used").isEqualTo(1);
    now.addAndGet(SECOND / 2); // one token back at 2 per second
    assertThat(limiter.acquire("k")).isZero();
    assertThat(limiter.acquire("k")).isEqualTo(1);
    limiter.instances(1); // the others left: the whole rate again
    now.addAndGet(SECOND);
    for (int i = 0; i < 8; i++) {
      assertThat(limiter.acquire("k")).as("request %d of the whole burst", i + 1).isZero();
    }
    RateLimiter tiny = new RateLimiter(1, 1, now::get);
    tiny.instances(3);
    assertThat(tiny.acquire("k")).as("a share of the burst is at least one request").isZero();
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilATokenIsFreeAndAtLeastOne() {
    RateLimiter slow = new RateLimiter(1, 1, now::get);
    assertThat(slow.acquire("k")).isZero();
    assertThat(slow.acquire("k")).isEqualTo(1);
    now.addAndGet(SECOND / 10);
    assertThat(slow.acquire("k")).as("0.9 s left rounds up").isEqualTo(1);
    RateLimiter slower = new RateLimiter(1, 3, now::get);
    for (int i = 0; i < 3; i++) {
      slower.acquire("k");
    }
    assertThat(slower.acquire("k")).isEqualTo(1);
  }

  @Test
  void eachKeyHasItsOwnBucketAndBurstZeroMeansTheRate() {
    RateLimiter limiter = new RateLimiter(3, 0, now::get);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("a")).isZero();
    }
    assertThat(limiter.acquire("a")).isEqualTo(1);
    assertThat(limiter.acquire("b")).as("another key is not slowed by a").isZero();
  }

  @Test
  void aRateOfZeroNeverLimits() {
    RateLimiter off = new RateLimiter(0, 0, now::get);
    for (int i = 0; i < 10_000; i++) {
      assertThat(off.acquire("k")).isZero();
    }
  }

  @Test
  void overHttpAKeyPastItsRateGets429WithRetryAfterWhileAnotherKeyIsServed(@TempDir Path dir) {
    GatewayUnderTest gateway = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("rate.db"), Map.of(
        "GATEWAY_API_KEYS", "busy:write:busy-secret-0123456789,calm:read:calm-secret-0123456789",
        "GATEWAY_LIMIT_REQUESTS_PER_SECOND", "1", "GATEWAY_LIMIT_BURST", "3")));
    try {
      // More than the burst at once: however slow this machine, 30 requests take far less than 27 s.
      List<CompletableFuture<Response>> sent = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        sent.add(gateway.postAsync("/v1/query", HttpAuthTest.SELECT_ONE, HttpAuthTest.bearer("busy-secret-0123456789")));
      }
      List<Response> answers = sent.stream().map(CompletableFuture::join).toList();
      List<Response> limited = answers.stream().filter(r -> r.status() == 429).toList();
      assertThat(answers).allMatch(r -> r.status() == 200 || r.status() == 429);
      assertThat(answers.stream().filter(r -> r.status() == 200).count()).isGreaterThanOrEqualTo(3);
      assertThat(limited).isNotEmpty();
      for (Response r : limited) {
        assertThat(r.json().getString("code")).isEqualTo("RATE_LIMITED");
        assertThat(Integer.parseInt(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(r.header("Content-Type")).isEqualTo(Problems.PROBLEM_JSON);
      }
      Response calm = gateway.post("/v1/query", HttpAuthTest.SELECT_ONE, HttpAuthTest.bearer("calm-secret-0123456789"));
      assertThat(calm.status()).as("another key has its own bucket: " + calm.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  @Test
  void theEventBusBridgeCountsEveryFrameAgainstItsKey(@TempDir Path dir) throws Exception {
    int bridgePort = FreePorts.take();
    GatewayUnderTest gateway = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("bridge.db"), Map.of(
        "GATEWAY_API_KEYS", "busy:write:busy-secret-0123456789", "GATEWAY_EVENTBUS_BRIDGE_PORT", Integer.toString(bridgePort),
        "GATEWAY_LIMIT_REQUESTS_PER_SECOND", "1", "GATEWAY_LIMIT_BURST", "2")));
    try (BridgeClient client = BridgeClient.connect(bridgePort)) {
      JsonObject headers = new JsonObject()
          .put("authorization", "Bearer busy-secret-0123456789");
      List<JsonObject> replies = new ArrayList<>();
      // Far more than the burst: 20 round trips take much less than 18 s.
      for (int i = 0; i < 20; i++) {
        replies.add(client.exchange(BridgeClient.sendFrame(
            Addresses.QUERY, headers, HttpAuthTest.SELECT_ONE)));
      }
      assertThat(replies.stream().filter(r -> "message".equals(r.getString("type"))).count()).isGreaterThanOrEqualTo(2);
      List<JsonObject> limited = replies.stream().filter(r -> "err".equals(r.getString("type"))).toList();
      assertThat(limited).isNotEmpty();
      for (JsonObject err : limited) {
        assertThat(err.getInteger("failureCode")).as(err.encode()).isEqualTo(429);
        JsonObject problem = new JsonObject(err.getString("message"));
        assertThat(problem.getString("code")).isEqualTo("RATE_LIMITED");
        assertThat(problem.getInteger("retryAfter")).isGreaterThanOrEqualTo(1);
      }
    } finally {
      gateway.close();
    }
  }

  @Test
  void anonymousCallersShareOneBucket(@TempDir Path dir) {
    GatewayUnderTest gateway = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("anon.db"), Map.of(
        "GATEWAY_LIMIT_REQUESTS_PER_SECOND", "1", "GATEWAY_LIMIT_BURST", "2")));
    try {
      List<CompletableFuture<Response>> sent = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        sent.add(gateway.postAsync("/v1/query", HttpAuthTest.SELECT_ONE));
      }
      List<Response> answers = sent.stream().map(CompletableFuture::join).toList();
      assertThat(answers).anyMatch(r -> r.status() == 429 && r.header("Retry-After") != null);
      assertThat(gateway.get("/health/ready").status()).as("health is never rate-limited").isEqualTo(200);
    } finally {
      gateway.close();
    }
  }
}
