package io.dbgateway.db;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;

/** What the engines share when they classify a failure: SQLSTATE classes and transport errors. */
public final class Failures {

  /** Seconds a client should wait before retrying after the database was unreachable. */
  public static final int RETRY_AFTER_SECONDS = 1;

  private Failures() {}

  /** A database error by its SQLSTATE, as every engine reports it. */
  public static Problem fromSqlState(String sqlState, Integer dbCode, String message) {
    String state = sqlState == null ? "" : sqlState;
    ErrorCode code = ErrorCode.SQL_ERROR;
    boolean retryable = false;
    if (state.startsWith("23")) {
      code = ErrorCode.CONFLICT;
    } else if (state.equals("40001") || state.equals("40P01")) {
      code = ErrorCode.CONFLICT;
      retryable = true;
    } else if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
      return unavailable(message).withSqlState(sqlState, dbCode);
    }
    return new Problem(code, message, sqlState, dbCode, null, retryable, null);
  }

  public static Problem unavailable(String detail) {
    return new Problem(ErrorCode.UNAVAILABLE, detail, null, null, null, true, RETRY_AFTER_SECONDS);
  }

  public static Problem timeout(long timeoutMs, String sqlState, Integer dbCode) {
    return new Problem(ErrorCode.TIMEOUT, "the statement ran past its timeout of " + timeoutMs
        + " ms and was cancelled on the server", sqlState, dbCode, null, true, null);
  }

  /**
   * Failures that are not the database's answer to a statement: our own errors, the pool, the network.
   * Returns null when the failure is none of these.
   */
  public static Problem transport(Throwable failure) {
    if (failure instanceof GatewayException gateway) {
      return gateway.problem();
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return unavailable("the connection pool's wait queue is full");
    }
    if (failure instanceof ClosedConnectionException || failure instanceof ConnectException
        || failure instanceof IOException) {
      return unavailable("the database connection failed: " + failure.getMessage());
    }
    if (failure instanceof VertxException && failure.getMessage() != null
        && failure.getMessage().startsWith("Parameter at position")) {
      return Problem.of(ErrorCode.BAD_REQUEST, failure.getMessage());
    }
    return null;
  }
}
