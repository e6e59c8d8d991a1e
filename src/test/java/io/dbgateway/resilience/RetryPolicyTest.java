package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.config.ResilienceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backoff with jitter, the attempt limit, and no retry of a failure that is not safe to retry. */
class RetryPolicyTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private RetryPolicy policy(int maxAttempts, long initialMs, long maxMs) {
    return new RetryPolicy(vertx, new ResilienceConfig(5, Duration.ofSeconds(10), Duration.ofSeconds(5),
        Duration.ofSeconds(5), maxAttempts, Duration.ofMillis(initialMs), Duration.ofMillis(maxMs),
        Duration.ofDays(1), Duration.ofSeconds(10)));
  }

  @Test
  void delaysDoubleWithJitterUpToTheMaximum() {
    RetryPolicy policy = policy(10, 50, 1000);
    long[] ceilings = {50, 100, 200, 400, 800, 1000, 1000};
    for (int i = 0; i < ceilings.length; i++) {
      int attempt = i + 2;
      List<Long> delays = new ArrayList<>();
      for (int n = 0; n < 200; n++) {
        delays.add(policy.delayBefore(attempt));
      }
      long ceiling = ceilings[i];
      assertThat(delays).as("before attempt %d", attempt).allSatisfy(d -> assertThat(d).isBetween(ceiling / 2, ceiling));
      assertThat(delays.stream().distinct().count()).as("jitter before attempt %d", attempt).isGreaterThan(5);
    }
    assertThat(policy.delayBefore(60)).isBetween(500L, 1000L); // no overflow far out
  }

  @Test
  void aSafeFailureIsRetriedUntilItSucceeds() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    String result = policy(3, 1, 5).run("unit", () -> attempts.incrementAndGet() < 3
        ? Future.failedFuture(new IllegalStateException("safe")) : Future.succeededFuture("done"), f -> true)
        .await(10, TimeUnit.SECONDS);
    assertThat(result).isEqualTo("done");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void attemptsStopAtTheLimitWithTheLastFailure() {
    AtomicInteger attempts = new AtomicInteger();
    Future<String> result = policy(3, 1, 5).run("unit",
        () -> Future.failedFuture(new IllegalStateException("attempt " + attempts.incrementAndGet())), f -> true);
    assertThatThrownBy(() -> result.await(10, TimeUnit.SECONDS)).hasMessageContaining("attempt 3");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void anUnsafeFailureIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    Future<String> result = policy(5, 1, 5).run("unit", () -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("unsafe"));
    }, f -> false);
    assertThatThrownBy(() -> result.await(10, TimeUnit.SECONDS)).hasMessageContaining("unsafe");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void oneAttemptMeansNoRetry() {
    AtomicInteger attempts = new AtomicInteger();
    Future<String> result = policy(1, 1, 5).run("unit", () -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("safe"));
    }, f -> true);
    assertThatThrownBy(() -> result.await(10, TimeUnit.SECONDS)).hasMessageContaining("safe");
    assertThat(attempts).hasValue(1);
  }
}
