package io.dbgateway.resilience;

import io.dbgateway.config.ResilienceConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a unit again, with exponential backoff and jitter, only while its failures are safe to retry. */
public final class RetryPolicy {

  private static final Logger log = LoggerFactory.getLogger(RetryPolicy.class);

  private final Vertx vertx;
  private final int maxAttempts;
  private final long initialDelayMs;
  private final long maxDelayMs;

  public RetryPolicy(Vertx vertx, ResilienceConfig config) {
    this.vertx = vertx;
    this.maxAttempts = config.retryMaxAttempts();
    this.initialDelayMs = config.retryInitialDelay().toMillis();
    this.maxDelayMs = config.retryMaxDelay().toMillis();
  }

  public <T> Future<T> run(String unit, Supplier<Future<T>> attempt, Predicate<Throwable> safeToRetry) {
    return run(unit, attempt, safeToRetry, 1);
  }

  /** Attempt {@code number}; a success passes straight through, with no promise of its own. */
  private <T> Future<T> run(String unit, Supplier<Future<T>> attempt, Predicate<Throwable> safe, int number) {
    return attempt.get().recover(failure -> {
      if (number >= maxAttempts || !safe.test(failure)) {
        return Future.failedFuture(failure);
      }
      long delay = delayBefore(number + 1);
      log.info("{} attempt {}/{} failed safely ({}); retrying in {} ms", unit, number, maxAttempts,
          failure.getMessage(), delay);
      Promise<T> next = Promise.promise();
      vertx.setTimer(Math.max(1, delay), id -> run(unit, attempt, safe, number + 1).onComplete(next));
      return next.future();
    });
  }

  /**
   * The pause before {@code attempt}: a ceiling that doubles from the initial delay up to the maximum,
   * and a random point in its upper half ("equal jitter"), so retries of colliding units spread out
   * while each still waits at least half the ceiling.
   */
  long delayBefore(int attempt) {
    long ceiling = Math.min(maxDelayMs, initialDelayMs << Math.min(20, attempt - 2));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }
}
