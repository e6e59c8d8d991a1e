package io.dbgateway.bootstrap;

import io.dbgateway.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the database at start: up to {@code DB_MAX_RETRIES} attempts, the first retry after
 * {@code DB_RETRY_DELAY}, each later delay doubled with up to 20% jitter, and none longer than the cap.
 */
public final class DatabaseWaiter {

  private static final Logger log = LoggerFactory.getLogger(DatabaseWaiter.class);

  private final Vertx vertx;
  private final DatabaseConfig db;
  private final Jdbc jdbc;

  public DatabaseWaiter(Vertx vertx, DatabaseConfig db, Jdbc jdbc) {
    this.vertx = vertx;
    this.db = db;
    this.jdbc = jdbc;
  }

  /** Completes with the server's version string once a connection succeeds. */
  public Future<String> await() {
    Promise<String> promise = Promise.promise();
    attempt(1, promise);
    return promise.future();
  }

  private void attempt(int number, Promise<String> promise) {
    vertx.executeBlocking(this::connectOnce, false).onComplete(promise::complete, failure -> {
      String cause = rootMessage(failure);
      if (number >= db.maxRetries()) {
        log.error("database attempt {}/{} to {} failed: {}", number, db.maxRetries(), db.target(), cause);
        promise.fail(new StartupException("gave up on the database " + db.target() + " after " + number
            + " attempt" + (number == 1 ? "" : "s") + ": " + cause));
        return;
      }
      Duration delay = delayBefore(number + 1);
      log.warn("database attempt {}/{} to {} failed: {}; next attempt in {} ms",
          number, db.maxRetries(), db.target(), cause, delay.toMillis());
      vertx.setTimer(Math.max(1, delay.toMillis()), id -> attempt(number + 1, promise));
    });
  }

  /** The pause before attempt {@code n} (n >= 2): the base delay doubled n-2 times, jittered, capped. */
  Duration delayBefore(int attempt) {
    long base = db.retryDelay().toMillis();
    long doubled = base << Math.min(30, attempt - 2);
    long capped = Math.min(doubled < 0 ? Long.MAX_VALUE : doubled, db.retryDelayCap().toMillis());
    long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.min(capped + jitter, db.retryDelayCap().toMillis()));
  }

  private String connectOnce() throws SQLException {
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
