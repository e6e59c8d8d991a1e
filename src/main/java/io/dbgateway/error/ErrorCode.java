package io.dbgateway.error;

/**
 * Every failure the gateway reports, with its HTTP status, problem type and title.
 * This is the one place that maps an error to what clients see.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad-request", "Bad request"),
  SQL_ERROR(400, "sql-error", "SQL error"),
  UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
  FORBIDDEN(403, "forbidden", "Forbidden"),
  NOT_FOUND(404, "not-found", "Not found"),
  CONFLICT(409, "conflict", "Conflict"),
  TOO_LARGE(413, "too-large", "Payload too large"),
  IDEMPOTENCY_MISMATCH(422, "idempotency-mismatch", "Idempotency key reused with a different body"),
  RATE_LIMITED(429, "rate-limited", "Rate limited"),
  UNAVAILABLE(503, "unavailable", "Service unavailable"),
  TIMEOUT(504, "timeout", "Statement timeout"),
  INTERNAL(500, "internal", "Internal error");

  private final int status;
  private final String type;
  private final String title;

  ErrorCode(int status, String slug, String title) {
    this.status = status;
    this.type = "urn:dbgateway:error:" + slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  /** The code whose HTTP status is {@code status}, preferring the generic one when two share it. */
  public static ErrorCode forStatus(int status) {
    for (ErrorCode code : values()) {
      if (code.status == status) {
        return code;
      }
    }
    return INTERNAL;
  }
}
