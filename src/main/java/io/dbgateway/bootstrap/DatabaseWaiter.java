package io.dbgateway.bootstrap;

import io.dbgateway.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the database at start: up to {@code DB_MAX_RETRIES} attempts, the first retry after
 * {@code DB_RETRY_DELAY}, each later delay doubled with up to 20% jitter, and none longer than the cap.
 */
public final class DatabaseWaiter {

  private static final Logger log = LoggerFactory.getLogger(DatabaseWaiter.class);

  /** The most a delay grows by jitter: 20% of it. */
  static final double MAX_JITTER = 0.2;

  private final Vertx vertx;
  private final DatabaseConfig db;
  private final Callable<String> connectOnce;
  private final DoubleSupplier jitter;

  public DatabaseWaiter(Vertx vertx, DatabaseConfig db, Jdbc jdbc) {
    this(vertx, db, () -> connectOnce(db, jdbc), () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * For tests: {@code connectOnce} is one blocking attempt that returns the server's version or throws;
   * {@code jitter} yields values in [0, 1), the fraction of the maximum jitter to add.
   */
  DatabaseWaiter(Vertx vertx, DatabaseConfig db, Callable<String> connectOnce, DoubleSupplier jitter) {
    this.vertx = Objects.requireNonNull(vertx);
    this.db = Objects.requireNonNull(db);
    this.connectOnce = Objects.requireNonNull(connectOnce);
    this.jitter = Objects.requireNonNull(jitter);
  }

  /** Completes with the server's version string once a connection succeeds. */
  public Future<String> await() {
    Promise<String> promise = Promise.promise();
    attempt(1, promise);
    return promise.future();
  }

  private void attempt(int number, Promise<String> promise) {
    vertx.executeBlocking(connectOnce, false).onComplete(promise::complete, failure -> {
      String cause = rootMessage(failure);
      if (number >= db.maxRetries()) {
        log.error("database attempt {}/{} to {} failed: {}", number, db.maxRetries(), db.target(), cause);
        promise.fail(new StartupException("gave up on the database " + db.target() + " after " + number
            + " attempt" + (number == 1 ? "" : "s") + " (DB_MAX_RETRIES=" + db.maxRetries() + "); last error: "
            + cause));
        return;
      }
      Duration delay = delayBefore(number + 1);
      log.warn("database attempt {}/{} to {} failed: {}; next attempt in {} ms",
          number, db.maxRetries(), db.target(), cause, delay.toMillis());
      vertx.setTimer(Math.max(1, delay.toMillis()), id -> attempt(number + 1, promise));
    });
  }

  /**
   * The pause before attempt {@code n} (n >= 2): {@code DB_RETRY_DELAY} doubled n-2 times, plus up to 20%
   * jitter, and never above the cap.
   */
  Duration delayBefore(int attempt) {
    if (attempt < 2) {
      throw new IllegalArgumentException("attempt 1 has no delay before it: " + attempt);
    }
    long cap = db.retryDelayCap().toMillis();
    long base = db.retryDelay().toMillis();
    int doublings = Math.min(40, attempt - 2);
    // base is at most an hour (2^22 ms), so 2^40 times it stays well inside a long.
    long capped = Math.min(base << doublings, cap);
    double fraction = Math.min(Math.max(jitter.getAsDouble(), 0), 1);
    long jittered = capped + (long) (capped * MAX_JITTER * fraction);
    return Duration.ofMillis(Math.min(jittered, cap));
  }

  private static String connectOnce(DatabaseConfig db, Jdbc jdbc) throws Exception {
    try (Connection connection = jdbc.connect()) {
      String version = connection.getMetaData().getDatabaseProductVersion();
      log.info("database {} answered (version {})", db.target(), version);
      return version;
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }
}
