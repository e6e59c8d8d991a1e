package io.dbgateway.bootstrap;

import io.dbgateway.db.SqlExecutor;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forgets idempotency keys past their retention, on a timer, once the gateway serves. */
final class IdempotencySweeper {

  private static final Logger log = LoggerFactory.getLogger(IdempotencySweeper.class);
  private static final long SWEEP_PERIOD_MS = 60_000;

  private IdempotencySweeper() {}

  /** Sweeps every minute, or every {@code retention} if shorter (at least every second). */
  static void start(Vertx vertx, SqlExecutor executor, Duration retention) {
    long periodMs = Math.max(1_000, Math.min(SWEEP_PERIOD_MS, retention.toMillis()));
    vertx.setPeriodic(periodMs, id -> executor.sweepIdempotencyKeys(retention).onComplete(
        swept -> log.debug("forgot {} idempotency keys older than {}", swept, retention),
        failure -> log.warn("could not sweep idempotency keys: {}", failure.getMessage())));
  }
}
