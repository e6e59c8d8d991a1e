package io.dbgateway.error;

/**
 * Every failure the gateway reports, with its HTTP status, problem type and title, and the RDS Data API
 * exception it is on the Data API endpoints. This is the one place that maps an error to what clients
 * see.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "bad-request", "Bad request", "BadRequestException"),
  SQL_ERROR(400, "sql-error", "SQL error", "DatabaseErrorException"),
  // Not in the Data API's model: what AWS itself answers for an unknown or missing access key.
  UNAUTHORIZED(401, "unauthorized", "Unauthorized", "UnrecognizedClientException"),
  FORBIDDEN(403, "forbidden", "Forbidden", "ForbiddenException"),
  NOT_FOUND(404, "not-found", "Not found", "NotFoundException"),
  // The Data API has no conflict: a constraint violation is the database's error.
  CONFLICT(409, "conflict", "Conflict", "DatabaseErrorException"),
  // A request body that stopped arriving (GATEWAY_HTTP_BODY_TIMEOUT_MS).
  REQUEST_TIMEOUT(408, "request-timeout", "Request timeout", "BadRequestException"),
  TOO_LARGE(413, "too-large", "Payload too large", "BadRequestException"),
  // A body that is not JSON: what keeps a browser's "simple" cross-origin POST from running anything.
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type", "BadRequestException"),
  IDEMPOTENCY_MISMATCH(422, "idempotency-mismatch", "Idempotency key reused with a different body", "BadRequestException"),
  // AWS's generic throttling error, which AWS SDKs retry with back-off.
  RATE_LIMITED(429, "rate-limited", "Rate limited", "ThrottlingException"),
  UNAVAILABLE(503, "unavailable", "Service unavailable", "ServiceUnavailableError"),
  TIMEOUT(504, "timeout", "Statement timeout", "StatementTimeoutException"),
  INTERNAL(500, "internal", "Internal error", "InternalServerErrorException");

  /** The Data API's exception for an unknown or finished transaction id. */
  public static final String TRANSACTION_NOT_FOUND = "TransactionNotFoundException";

  private final int status;
  private final String type;
  private final String title;
  private final String dataApiName;

  ErrorCode(int status, String slug, String title, String dataApiName) {
    this.status = status;
    this.type = "urn:dbgateway:error:" + slug;
    this.title = title;
    this.dataApiName = dataApiName;
  }

  /**
   * The RDS Data API exception name. A {@code NOT_FOUND} about a request that named a transaction
   * means that transaction is unknown (or ended): {@code TransactionNotFoundException}.
   */
  public String dataApiName(boolean namesTransaction) {
    return this == NOT_FOUND && namesTransaction ? TRANSACTION_NOT_FOUND : dataApiName;
  }

  /**
   * The HTTP status on the Data API endpoints: the same as elsewhere, but for a statement timeout, which
   * is 400 as AWS sends {@code StatementTimeoutException}; AWS SDKs retry a 504, and would run the
   * statement again.
   */
  public int dataApiStatus() {
    return this == TIMEOUT ? 400 : status;
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
