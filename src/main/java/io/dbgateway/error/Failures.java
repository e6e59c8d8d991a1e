package io.dbgateway.error;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;

/**
 * What the engines share when they classify a failure: SQLSTATE classes and transport errors. What only
 * an engine knows of its own codes, the chosen driver answers ({@link EngineErrors}).
 */
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

  /**
   * A commit whose outcome is unknown: 503, not retryable (a blind retry could apply the work twice),
   * keeping the database's own code of the failure.
   */
  public static Problem outcomeUnknown(Problem failure, String detail) {
    return new Problem(ErrorCode.UNAVAILABLE, detail, failure.sqlState(), failure.dbCode(), null, false,
        RETRY_AFTER_SECONDS);
  }

  /** A statement the server stopped at its timeout ({@code timeoutMs}): 504, and nothing of it stays. */
  public static Problem statementTimeout(String sqlState, Integer dbCode) {
    return statementTimeout("the statement ran past its timeout and was cancelled on the server", sqlState, dbCode);
  }

  /** As {@link #statementTimeout(String, Integer)}, in the engine's own words. */
  public static Problem statementTimeout(String detail, String sqlState, Integer dbCode) {
    return new Problem(ErrorCode.TIMEOUT, detail, sqlState, dbCode, null, true, null);
  }


  /**
   * Whether the database refused the statement for want of a privilege: PostgreSQL's
   * {@code insufficient_privilege} (42501), MySQL/MariaDB's access-denied errors.
   */
  public static boolean isPermissionDenied(EngineErrors engine, Problem problem) {
    return "42501".equals(problem.sqlState()) || engine.meansPermissionDenied(problem);
  }

  /**
   * Whether the node refused work (Galera 1047) or lost the Primary Component under it (1180), so it
   * must leave routing at once.
   */
  public static boolean isNodeNotReady(EngineErrors engine, Throwable failure) {
    int code = databaseErrorCode(failure);
    return code != 0 && engine.meansNodeNotReady(code);
  }

  /**
   * Whether live traffic found the node itself gone: a connection refused, or an open one reset or closed
   * under the work (a killed server closes every socket at once). Unlike a pool wait that timed out (a hung
   * or busy server, which the probes' timeouts judge), this takes a Galera node out of routing at once.
   */
  public static boolean isNodeUnreachable(Throwable failure) {
    for (Throwable t : Causes.chain(failure)) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof IOException
          || isConnectionGone(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a failed COMMIT leaves the outcome unknown: the connection went away, or Galera lost quorum. */
  public static boolean isCommitOutcomeUnknown(EngineErrors engine, Throwable failure) {
    int code = databaseErrorCode(failure);
    return isDatabaseDown(engine, failure) || code != 0 && engine.meansCommitOutcomeUnknown(code);
  }

  private static int databaseErrorCode(Throwable failure) {
    io.vertx.sqlclient.DatabaseException db = Causes.find(failure, io.vertx.sqlclient.DatabaseException.class);
    return db == null ? 0 : db.getErrorCode();
  }

  /**
   * Whether a failure means the database itself is failing (unreachable, gone away, not answering),
   * as opposed to it rejecting one statement. Only these count against a circuit breaker.
   */
  public static boolean isDatabaseDown(EngineErrors engine, Throwable failure) {
    for (Throwable t : Causes.chain(failure)) {
      if (t instanceof ConnectionPoolTooBusyException) {
        return false;
      }
      if (t instanceof ClosedConnectionException || t instanceof ConnectException || t instanceof IOException
          || t instanceof DatabaseNotAnsweringException || isPoolWaitTimeout(t) || isConnectionGone(t)) {
        return true;
      }
      if (t instanceof io.vertx.sqlclient.DatabaseException db) {
        String state = db.getSqlState() == null ? "" : db.getSqlState();
        return state.startsWith("08") || state.startsWith("57P") || engine.meansServerFailing(db);
      }
      if (t instanceof java.sql.SQLException sql) {
        return engine.meansServerFailing(sql) || sql.getSQLState() != null && sql.getSQLState().startsWith("08");
      }
    }
    return false;
  }

  /**
   * What the SQL client says, as a bare {@code VertxException}, when a statement meets a connection that
   * has just closed (the server went away): the statement was never sent.
   */
  private static final java.util.List<String> CONNECTION_GONE_MESSAGES = java.util.List.of(
      "Connection is not active now", // scheduled on a connection already CLOSED or CLOSING
      "Pending requests failed to be sent due to connection has been closed"); // queued when it closed

  /** Whether {@code failure} is the SQL client refusing a statement because its connection is gone. */
  public static boolean isConnectionGone(Throwable failure) {
    String message = failure.getMessage();
    return failure instanceof VertxException && message != null
        && CONNECTION_GONE_MESSAGES.stream().anyMatch(message::startsWith);
  }

  /**
   * Whether the pool gave up waiting for a connection ({@code GATEWAY_POOL_WAIT_TIMEOUT_MS}). It counts
   * as the database failing: a server that accepts TCP but never answers the handshake (hung, frozen,
   * overloaded) shows only this way, because the pool opens a new connection for each waiter while it
   * has room, and those never complete. The pool reports it as a bare {@code VertxException("Timeout")}.
   * A wait that timed out while every connection of its lane was lent never gets here as such:
   * {@code node.LanedPool} answers it as load (503, not a failure of the database).
   */
  public static boolean isPoolWaitTimeout(Throwable failure) {
    return failure instanceof VertxException && failure.getCause() == null
        && ("Timeout".equals(failure.getMessage()) || "Timeout waiting for connection".equals(failure.getMessage()));
  }

  /**
   * Failures that are not the database's answer to a statement: our own errors, the pool, the network.
   * Returns null when the failure is none of these.
   */
  public static Problem transport(Throwable failure) {
    if (failure instanceof GatewayException gateway) {
      return gateway.problem();
    }
    if (failure instanceof DatabaseNotAnsweringException) {
      return unavailable(failure.getMessage() + "; a write's outcome is unknown");
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return unavailable("the connection pool's wait queue is full");
    }
    if (isConnectionGone(failure)) {
      return unavailable("the database connection was lost: " + failure.getMessage());
    }
    if (isPoolWaitTimeout(failure)) {
      return unavailable("no database connection became free within the pool's wait timeout");
    }
    if (failure instanceof ClosedConnectionException || failure instanceof ConnectException
        || failure instanceof IOException) {
      return unavailable("the database connection failed: " + failure.getMessage());
    }
    if (failure instanceof VertxException && failure.getMessage() != null
        && failure.getMessage().startsWith("Parameter at position")) {
      return Problem.of(ErrorCode.BAD_REQUEST, unboundParameter(failure.getMessage()));
    }
    if (failure instanceof VertxException && failure.getMessage() != null) {
      java.util.regex.Matcher count = PARAMETER_COUNT.matcher(failure.getMessage());
      if (count.matches()) {
        return Problem.of(ErrorCode.BAD_REQUEST, "the statement has " + count(count.group(1), "parameter") + " but "
            + count(count.group(2), "value") + " given (a $n written in the SQL is not a placeholder of the"
            + " request: write ? or :name)");
      }
    }
    return null;
  }

  private static String count(String n, String noun) {
    return n + " " + noun + (n.equals("1") ? "" : "s");
  }

  /** The driver's refusal of a tuple of the wrong size: a PostgreSQL statement that names its own $n. */
  private static final java.util.regex.Pattern PARAMETER_COUNT = java.util.regex.Pattern.compile(
      "The number of parameters to execute should be consistent with the expected number of parameters"
          + " = \\[(\\d+)] but the actual number is \\[(\\d+)]\\.");

  private static final java.util.regex.Pattern UNBOUND = java.util.regex.Pattern.compile(
      "Parameter at position\\[(\\d+)] with class = \\[([^\\]]*)] .* expected class = \\[([^\\]]*)].*",
      java.util.regex.Pattern.DOTALL);

  /**
   * The driver's refusal to bind a value, said without the value (parameter values are never echoed or
   * logged) and without Java class paths.
   */
  static String unboundParameter(String driverMessage) {
    java.util.regex.Matcher m = UNBOUND.matcher(driverMessage);
    if (!m.matches()) {
      return "a parameter cannot be bound to the type the statement expects";
    }
    return "parameter " + (Integer.parseInt(m.group(1)) + 1) + " cannot be bound: the statement expects a "
        + jsonKind(m.group(3)) + ", not a " + jsonKind(m.group(2));
  }

  private static String jsonKind(String javaClassName) {
    String javaClass = javaClassName.substring(javaClassName.lastIndexOf('.') + 1).replace(";", "");
    if (javaClassName.startsWith("[")) {
      return "JSON array";
    }
    return switch (javaClass) {
      case "String" -> "string";
      case "Number", "Integer", "Long", "Short", "Double", "Float", "BigDecimal", "BigInteger", "Numeric" -> "number";
      case "Boolean" -> "boolean";
      case "JsonObject" -> "JSON object";
      case "JsonArray" -> "JSON array";
      default -> javaClass + " value";
    };
  }
}
