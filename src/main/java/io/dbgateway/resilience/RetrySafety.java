package io.dbgateway.resilience;

import io.dbgateway.error.Causes;
import io.dbgateway.error.EngineErrors;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.sql.SQLException;

/**
 * The failures after which a unit provably did not commit, so running it again cannot apply it twice:
 * the work never reached the database, or the database's own answer proves it (each driver's {@link
 * EngineErrors#provesNotCommitted}). Anything else, above all a connection lost while COMMIT was in flight, is
 * never retried blindly.
 *
 * <table>
 *   <tr><th>engine</th><th>retried</th></tr>
 *   <tr><td>PostgreSQL</td><td>SQLSTATE 40001 (serialization failure), 40P01 (deadlock); no connection before the statement was sent</td></tr>
 *   <tr><td>MySQL / MariaDB</td><td>1213 (deadlock, Galera certification failure), 1205 (lock wait timeout), 1047 (Galera node not ready);
 *       no connection, or connection lost before COMMIT</td></tr>
 *   <tr><td>SQLite</td><td>SQLITE_BUSY (5) past the busy timeout</td></tr>
 * </table>
 *
 * <p>Never retried: a connection lost while COMMIT was in flight (the outcome is unknown), and a pool
 * with no connection to give (a retry would only queue again).
 */
public final class RetrySafety {

  private RetrySafety() {}

  /** Whether {@code failure} proves the unit did not commit on {@code engine}. */
  public static boolean notCommitted(EngineErrors engine, Throwable failure) {
    for (Throwable t : Causes.chain(failure)) {
      if (neverRetried(t)) {
        return false;
      }
    }
    for (Throwable t : Causes.chain(failure)) {
      if (t instanceof NotSentException || t instanceof ConnectException) {
        return true;
      }
      if (t instanceof DatabaseException || t instanceof SQLException) {
        return engine.provesNotCommitted(t);
      }
      if (t instanceof GatewayException && t.getCause() == null) {
        return false;
      }
    }
    return false;
  }

  /**
   * Failures never retried, wherever they sit in the chain: the outcome is unknown, or the pool has no
   * connection to give (its wait queue is full, or the wait timed out), where a retry would only wait
   * in the same queue again and turn a fast 503 into a slow one.
   */
  private static boolean neverRetried(Throwable t) {
    return t instanceof OutcomeUnknownException
        || t instanceof ConnectionPoolTooBusyException
        || Failures.isPoolWaitTimeout(t);
  }

  /** The unit never reached the database: no connection could be had, or it was lost before any statement. */
  public static final class NotSentException extends RuntimeException {
    public NotSentException(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** The connection was lost while COMMIT was in flight, or a write got no answer: it may or may not have committed. */
  public static final class OutcomeUnknownException extends RuntimeException {
    public OutcomeUnknownException(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
