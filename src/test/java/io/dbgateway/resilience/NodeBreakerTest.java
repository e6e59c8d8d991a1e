package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.ResilienceConfig;
import io.dbgateway.driver.postgres.PostgresDriver;
import io.dbgateway.error.DatabaseNotAnsweringException;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.testing.Await;
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
import java.util.concurrent.atomic.AtomicLong;
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
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(3, 200, 1000, 60_000), PostgresDriver.INSTANCE);
    int mark = log.mark();
    // The library counts failures per wall-clock second, over the current second and the one before, so
    // three failures in a row count together whichever second they fall in.
    for (int i = 0; i < 3; i++) {
      assertThat(failureOf(breaker, 0, () -> Future.failedFuture(new ConnectException("Connection refused"))))
          .isInstanceOf(ConnectException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(log.statesSince(mark, NODE)).containsExactly("OPEN");
  }

  @Test
  void rejectedStatementsNeverOpenIt() throws Exception {
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(3, 10_000, 1000, 60_000), PostgresDriver.INSTANCE);
    for (int i = 0; i < 30; i++) {
      Throwable failure = failureOf(breaker, 0,
          () -> Future.failedFuture(new PgException("syntax error", "ERROR", "42601", null)));
      assertThat(failure).isInstanceOf(PgException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void aCallPastItsDeadlineFailsAndCounts() throws Exception {
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(3, 10_000, 150, 60_000), PostgresDriver.INSTANCE);
    List<CompletableFuture<Throwable>> hung = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      vertx.runOnContext(v -> breaker.call(100, () -> Promise.<String>promise().future()) // never answers
          .onComplete(ok -> outcome.complete(null), outcome::complete));
      hung.add(outcome);
    }
    for (CompletableFuture<Throwable> h : hung) {
      assertThat(h.get(10, TimeUnit.SECONDS)).isInstanceOf(DatabaseNotAnsweringException.class)
          .hasMessage("the database at " + NODE + " did not answer within 250 ms"); // statement time + grace
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void theOpenBreakerAnswersAtOnceWithRetryAfterTheTimeLeftOnItsClock() throws Exception {
    AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(5));
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(1, 10_000, 1000, 3_000), PostgresDriver.INSTANCE, clock::get);
    failureOf(breaker, 0, () -> Future.failedFuture(new ConnectException("Connection refused")));
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);

    boolean[] ran = {false};
    GatewayException open = refusal(breaker, () -> {
      ran[0] = true;
      return Future.succeededFuture("x");
    });
    assertThat(ran[0]).as("an open breaker runs nothing").isFalse();
    assertThat(open.problem().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(open.problem().retryable()).isTrue();
    assertThat(open.problem().retryAfterSeconds()).isEqualTo(3);

    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1_200));
    assertThat(refusal(breaker, () -> Future.succeededFuture("x")).problem().retryAfterSeconds()).isEqualTo(2);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1_000));
    assertThat(refusal(breaker, () -> Future.succeededFuture("x")).problem().retryAfterSeconds()).isEqualTo(1);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5_000));
    assertThat(refusal(breaker, () -> Future.succeededFuture("x")).problem().retryAfterSeconds())
        .as("never less than a second, while the probe is still to come").isEqualTo(1);
  }

  /** Calls an open breaker on an event loop: the answer is a refusal, already there when the call returns. */
  private GatewayException refusal(NodeBreaker breaker, Supplier<Future<String>> work) throws Exception {
    CompletableFuture<Future<String>> answered = new CompletableFuture<>();
    vertx.runOnContext(v -> answered.complete(breaker.call(0, work)));
    Future<String> answer = answered.get(10, TimeUnit.SECONDS);
    assertThat(answer.failed()).as("answered at once, without waiting for anything").isTrue();
    assertThat(answer.cause()).isInstanceOf(GatewayException.class);
    return (GatewayException) answer.cause();
  }

  @Test
  void theHalfOpenProbeClosesItWhenItSucceeds() throws Exception {
    NodeBreaker breaker = new NodeBreaker(vertx, NODE, config(1, 10_000, 1000, 300), PostgresDriver.INSTANCE);
    int mark = log.mark();
    failureOf(breaker, 0, () -> Future.failedFuture(new ConnectException("Connection refused")));
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
    Await.until("the half-open state after the reset timeout", breaker::state, CircuitBreakerState.HALF_OPEN::equals, 10_000);
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
