package io.dbgateway.resilience;

import io.dbgateway.config.ResilienceConfig;
import io.dbgateway.error.DatabaseNotAnsweringException;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.EngineErrors;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of one database node. Only failures of the database itself count (it cannot be
 * reached, it went away, it stopped answering); a statement the database rejects proves it is up.
 * While open, calls fail at once with 503 and a {@code Retry-After} of the time left before the next
 * probe.
 */
public final class NodeBreaker {

  private static final Logger log = LoggerFactory.getLogger(NodeBreaker.class);

  private final Vertx vertx;
  private final String node;
  private final CircuitBreaker breaker;
  private final long resetTimeoutMs;
  private final long callGraceMs;
  /** Reads the time the Retry-After of an open breaker counts down from. */
  private final LongSupplier nanoTime;
  private final AtomicLong openedAtNanos = new AtomicLong();
  private final AtomicLong openings = new AtomicLong();

  /** @param engine what the engine's errors mean: only a failing database counts against the breaker */
  public NodeBreaker(Vertx vertx, String node, ResilienceConfig config, EngineErrors engine) {
    this(vertx, node, config, engine, System::nanoTime);
  }

  /**
   * A clock of its own, for tests: it times the {@code Retry-After} countdown. The reset timeout and the
   * failure window stay the library's, on Vert.x timers and the wall clock.
   */
  public NodeBreaker(Vertx vertx, String node, ResilienceConfig config, EngineErrors engine, LongSupplier nanoTime) {
    this.vertx = vertx;
    this.nanoTime = nanoTime;
    this.node = node;
    this.resetTimeoutMs = config.breakerResetTimeout().toMillis();
    this.callGraceMs = config.breakerCallGrace().toMillis();
    // The breaker's own timer stays off: each call's deadline depends on its statements' timeouts.
    this.breaker = CircuitBreaker.create("db-" + node, vertx, new CircuitBreakerOptions()
            .setMaxFailures(config.breakerMaxFailures())
            .setFailuresRollingWindow(failureWindowMs(config.breakerFailureWindow().toMillis()))
            .setResetTimeout(resetTimeoutMs)
            .setTimeout(-1)
            .setMaxRetries(0)
            // No notification address: vertx-circuit-breaker then keeps no statistics of its own (by default
            // it records every call in an HdrHistogram under a lock, and publishes them on the event bus
            // every 2 s). The gateway's meters are dbgateway_breaker_* and dbgateway_operation_seconds.
            .setNotificationAddress(null))
        .failurePolicy(result -> result.failed() && Failures.isDatabaseDown(engine, result.cause()))
        .openHandler(v -> {
          openedAtNanos.set(nanoTime.getAsLong());
          openings.incrementAndGet();
          log.warn("circuit breaker for {} is OPEN: the database is failing; answering 503 for {} ms", node, resetTimeoutMs);
        })
        .halfOpenHandler(v -> log.info("circuit breaker for {} is HALF_OPEN: letting one probe through", node))
        .closeHandler(v -> log.info("circuit breaker for {} is CLOSED: the database answers again", node));
  }

  /**
   * vertx-circuit-breaker counts failures in buckets of whole seconds and keeps {@code window / 1000} of
   * them: a window under one second would keep none, and the breaker would never open. Round up.
   */
  static long failureWindowMs(long configuredMs) {
    return Math.max(1, (configuredMs + 999) / 1000) * 1000;
  }

  public String node() {
    return node;
  }

  public CircuitBreakerState state() {
    return breaker.state();
  }

  /** How many times the breaker has opened: a scrape may miss an open that closed again in between. */
  public long openings() {
    return openings.get();
  }

  /**
   * Runs {@code call} under the breaker. A call still running {@code statementTimeMs} plus the grace
   * later counts as a failure: the server has stopped answering.
   */
  public <T> Future<T> call(long statementTimeMs, Supplier<Future<T>> call) {
    return breaker.<T>execute(() -> withDeadline(call.get(), statementTimeMs + callGraceMs))
        .recover(failure -> Future.failedFuture(failure instanceof OpenCircuitException ? open() : failure));
  }

  private <T> Future<T> withDeadline(Future<T> work, long deadlineMs) {
    // Coarse: this deadline is the statements' own timeouts plus a grace of seconds; 100 ms late is nothing.
    return Deadlines.coarse(vertx, work, deadlineMs, () -> new DatabaseNotAnsweringException(node, deadlineMs));
  }

  private GatewayException open() {
    long left = resetTimeoutMs - TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - openedAtNanos.get());
    int retryAfter = (int) Math.max(1, (left + 999) / 1000);
    return new GatewayException(new Problem(ErrorCode.UNAVAILABLE,
        "the circuit breaker for " + node + " is open: the database is failing", null, null, null, true, retryAfter));
  }
}
