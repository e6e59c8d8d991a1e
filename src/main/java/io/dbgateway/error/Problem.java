package io.dbgateway.error;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem, extended with the database's view of the failure.
 *
 * @param statementIndex the failing statement of a batch or transaction, or null
 * @param retryAfterSeconds the Retry-After hint for 429 and 503 answers, or null
 */
public record Problem(
    ErrorCode code,
    String detail,
    String sqlState,
    Integer dbCode,
    Integer statementIndex,
    boolean retryable,
    Integer retryAfterSeconds) {

  public static Problem of(ErrorCode code, String detail) {
    boolean unavailable = code == ErrorCode.UNAVAILABLE;
    return new Problem(code, detail, null, null, null, unavailable, unavailable ? 1 : null);
  }

  public Problem withStatementIndex(Integer index) {
    return new Problem(code, detail, sqlState, dbCode, index, retryable, retryAfterSeconds);
  }

  public Problem withSqlState(String state, Integer code) {
    return new Problem(this.code, detail, state, code, statementIndex, retryable, retryAfterSeconds);
  }

  public Problem withRetryAfter(int seconds) {
    return new Problem(code, detail, sqlState, dbCode, statementIndex, retryable, seconds);
  }

  public int status() {
    return code.status();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", code.type())
        .put("title", code.title())
        .put("status", code.status())
        .put("code", code.name())
        .put("detail", detail)
        .put("sqlState", sqlState)
        .put("dbCode", dbCode)
        .put("statementIndex", statementIndex)
        .put("retryable", retryable);
    if (retryAfterSeconds != null) {
      json.put("retryAfter", retryAfterSeconds);
    }
    return json;
  }

  /** Reads a problem back from its JSON form, as it travels in an event-bus ReplyException. */
  public static Problem fromJson(JsonObject json) {
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(json.getString("code", "INTERNAL"));
    } catch (IllegalArgumentException e) {
      code = ErrorCode.INTERNAL;
    }
    return new Problem(
        code,
        json.getString("detail"),
        json.getString("sqlState"),
        json.getInteger("dbCode"),
        json.getInteger("statementIndex"),
        json.getBoolean("retryable", false),
        json.getInteger("retryAfter"));
  }

  /** The problem carried by an event-bus failure: the operation's own, or one for the bus itself. */
  public static Problem fromBus(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        try {
          return fromJson(new JsonObject(reply.getMessage()));
        } catch (DecodeException e) {
          return of(ErrorCode.INTERNAL, "unexpected failure");
        }
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return of(ErrorCode.UNAVAILABLE, "the database verticles are not running");
      }
      return of(ErrorCode.TIMEOUT, "the operation did not answer in time");
    }
    return of(ErrorCode.INTERNAL, "unexpected failure");
  }
}
