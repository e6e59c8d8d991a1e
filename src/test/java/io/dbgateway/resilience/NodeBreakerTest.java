package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.ResilienceConfig;
import io.dbgateway.error.DatabaseNotAnsweringException;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node's breaker on its own, without a database: what opens it, how it answers while open, and
 * its call deadline. The database-backed behaviour is in {@link CircuitBreakerTest}.
 */
class NodeBreakerTest {

  private static final String NODE = "db.example:5432";

  private Vertx vertx;
  private BreakerLog log;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    log = BreakerLog.attach();
  }

  @AfterEach
  void stop() throws Exception {
    log.detach();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static ResilienceConfig config(int maxFailures, long windowMs, long graceMs, long resetMs) {
    return new ResilienceConfig(maxFailures, Duration.ofMillis(windowMs), Duration.ofMillis(graceMs),
        Duration.ofMillis(resetMs), 1, Duration.ofMillis(50), Duration.ofMillis(1000), Duration.ofHours(1),
        Duration.ofSeconds(1));
  }

  /** Runs one call on an event loop, as the database verticles do, and waits for its outcome. */
  private <T> Throwable failureOf(NodeBreaker breaker, long statementMs, Supplier<Future<T>> work) throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    vertx.runOnContext(v -> breaker.call(statementMs, work)
        .onComplete(ok -> outcome.complete(null), outcome::complete));
    return outcome.get(30, TimeUnit.SECONDS);
  }

  @Test
  void opensAfterMaxFailuresEvenWithAWindowShorterThanTheBreakersOneSecondBuckets() throws Exception {
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(3, 200, 1000, 60_000));
    int mark = log.mark();
    // Start at the beginning of a wall-clock second: the library counts per second.
    while (System.currentTimeMillis() % 1000 > 100) {
      Thread.sleep(10);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(failureOf(breaker, 0, () -> Future.failedFuture(new ConnectException("Connection refused"))))
          .isInstanceOf(ConnectException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(log.statesSince(mark, NODE)).containsExactly("OPEN");
  }

  @Test
  void rejectedStatementsNeverOpenIt() throws Exception {
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(3, 10_000, 1000, 60_000));
    for (int i = 0; i < 30; i++) {
      Throwable failure = failureOf(breaker, 0,
          () -> Future.failedFuture(new PgException("syntax error", "ERROR", "42601", null)));
      assertThat(failure).isInstanceOf(PgException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void aCallPastItsDeadlineFailsAndCountsAndTheOpenBreakerAnswersAtOnceWithTheTimeLeft() throws Exception {
    long resetMs = 3000;
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(3, 10_000, 150, resetMs));
    List<CompletableFuture<Throwable>> hung = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      vertx.runOnContext(v -> breaker.call(100, () -> Promise.<String>promise().future()) // never answers
          .onComplete(ok -> outcome.complete(null), outcome::complete));
      hung.add(outcome);
    }
    for (CompletableFuture<Throwable> h : hung) {
      assertThat(h.get(10, TimeUnit.SECONDS)).isInstanceOf(DatabaseNotAnsweringException.class);
    }
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(waitedMs).as("failed at statement time + grace").isBetween(200L, 2_000L);
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    long openedAt = System.nanoTime();

    boolean[] ran = {false};
    long t1 = System.nanoTime();
    Throwable refused = failureOf(breaker, 0, () -> {
      ran[0] = true;
      return Future.succeededFuture("x");
    });
    assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(100);
    assertThat(ran[0]).as("an open breaker runs nothing").isFalse();
    assertThat(refused).isInstanceOf(GatewayException.class);
    GatewayException open = (GatewayException) refused;
    assertThat(open.problem().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(open.problem().retryable()).isTrue();
    assertThat(open.problem().retryAfterSeconds()).isEqualTo(3);

    while (System.nanoTime() - openedAt < TimeUnit.MILLISECONDS.toNanos(1200)) {
      Thread.sleep(20);
    }
    GatewayException later = (GatewayException) failureOf(breaker, 0, () -> Future.succeededFuture("x"));
    assertThat(later.problem().retryAfterSeconds()).isEqualTo(2);
  }

  @Test
  void theHalfOpenProbeClosesItWhenItSucceeds() throws Exception {
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(1, 10_000, 1000, 300));
    int mark = log.mark();
    failureOf(breaker, 0, () -> Future.failedFuture(new ConnectException("Connection refused")));
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (breaker.state() != CircuitBreakerState.HALF_OPEN && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
    assertThat(failureOf(breaker, 0, () -> Future.succeededFuture("up"))).isNull();
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(log.statesSince(mark, NODE)).containsExactly("OPEN", "HALF_OPEN", "CLOSED");
  }

  @Test
  void failureWindowsAreRoundedUpToWholeSeconds() {
    assertThat(NodeBreaker.failureWindowMs(1)).isEqualTo(1000);
    assertThat(NodeBreaker.failureWindowMs(999)).isEqualTo(1000);
    assertThat(NodeBreaker.failureWindowMs(1000)).isEqualTo(1000);
    assertThat(NodeBreaker.failureWindowMs(1001)).isEqualTo(2000);
    assertThat(NodeBreaker.failureWindowMs(10_000)).isEqualTo(10_000);
  }
}
