package io.dbgateway.dataapi;

import io.dbgateway.error.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Problems on the Data API endpoints, as AWS SDKs parse them: the exception's name in the
 * {@code X-Amzn-Errortype} header and in {@code __type}, the detail in {@code message}, and the status
 * AWS's model gives that exception ({@link io.dbgateway.error.ErrorCode} maps all three). The
 * gateway's own {@code sqlState}, {@code dbCode} and {@code statementIndex} come along when known.
 */
final class DataApiErrors {

  /** Set on a request that names a transaction: a 404 then means that transaction is unknown. */
  private static final String NAMES_TRANSACTION = "dbgateway.dataapi.namesTransaction";

  private DataApiErrors() {}

  static void namesTransaction(RoutingContext ctx) {
    ctx.put(NAMES_TRANSACTION, Boolean.TRUE);
  }

  static void send(RoutingContext ctx, Problem problem) {
    String name = problem.code().dataApiName(Boolean.TRUE.equals(ctx.get(NAMES_TRANSACTION)));
    JsonObject body = new JsonObject().put("__type", name).put("message", problem.detail());
    if (problem.sqlState() != null) {
      body.put("sqlState", problem.sqlState());
    }
    if (problem.dbCode() != null) {
      body.put("dbCode", problem.dbCode());
    }
    if (problem.statementIndex() != null) {
      body.put("statementIndex", problem.statementIndex());
    }
    ctx.response().setStatusCode(problem.code().dataApiStatus())
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Amzn-Errortype", name);
    if (problem.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
    }
    ctx.response().end(body.toBuffer());
  }
}
