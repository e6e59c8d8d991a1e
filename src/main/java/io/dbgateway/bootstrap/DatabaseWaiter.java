package io.dbgateway.bootstrap;

import io.dbgateway.error.Causes;
import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.driver.Jdbc;
import io.dbgateway.galera.GaleraDetection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
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
public final class DatabaseWaiter<T> {

  private static final Logger log = LoggerFactory.getLogger(DatabaseWaiter.class);

  /** The most a delay grows by jitter: 20% of it. */
  static final double MAX_JITTER = 0.2;

  private final Vertx vertx;
  private final DatabaseConfig db;
  private final Callable<T> connectOnce;
  private final DoubleSupplier jitter;

  /** The first node that answered, what it runs, and whether it is a Galera node. */
  public record Reached(Jdbc node, String version, boolean galera) {}

  /** Waits for any of {@code nodes}; each attempt tries them in order. */
  public static DatabaseWaiter<Reached> forNodes(Vertx vertx, DatabaseConfig db, List<Jdbc> nodes) {
    return new DatabaseWaiter<>(vertx, db, () -> connectOnce(db, nodes), () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * For tests: {@code connectOnce} is one blocking attempt that returns the server's version or throws;
   * {@code jitter} yields values in [0, 1), the fraction of the maximum jitter to add.
   */
  DatabaseWaiter(Vertx vertx, DatabaseConfig db, Callable<T> connectOnce, DoubleSupplier jitter) {
    this.vertx = Objects.requireNonNull(vertx);
    this.db = Objects.requireNonNull(db);
    this.connectOnce = Objects.requireNonNull(connectOnce);
    this.jitter = Objects.requireNonNull(jitter);
  }

  /** Completes once a connection succeeds. */
  public Future<T> await() {
    Promise<T> promise = Promise.promise();
    attempt(1, promise);
    return promise.future();
  }

  private void attempt(int number, Promise<T> promise) {
    vertx.executeBlocking(connectOnce, false).onComplete(promise::complete, failure -> {
      String cause = tlsContext(failure) + rootMessage(failure);
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

  private static Reached connectOnce(DatabaseConfig db, List<Jdbc> nodes) throws Exception {
    Exception last = null;
    for (Jdbc node : nodes) {
      try (Connection connection = node.connect()) {
        String version = connection.getMetaData().getDatabaseProductVersion();
        boolean galera = node.driver().mayBeGalera() && GaleraDetection.wsrepOn(connection);
        log.info("database {} answered through {} (version {}{})", db.target(), node.node() == null ? db.target()
            : node.node(), version, galera ? ", Galera: wsrep_on is ON" : "");
        return new Reached(node, version, galera);
      } catch (Exception e) {
        last = e;
      }
    }
    throw last;
  }

  /** Names the TLS settings when the TLS handshake is what failed, since the root cause rarely does. */
  private String tlsContext(Throwable failure) {
    for (Throwable t : Causes.chain(failure)) {
      if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
        return "TLS to the database failed (DB_SSL_MODE=" + db.sslMode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + (db.sslCa() == null ? "" : ", DB_SSL_CA=" + db.sslCa()) + "; is the server's certificate signed by that CA,"
            + " for the host name in DB_HOST?): ";
      }
    }
    return "";
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = Causes.root(failure);
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }
}
