package io.dbgateway.dataapi;

import io.dbgateway.error.Problem;
import io.dbgateway.http.Problems;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Problems on the Data API endpoints, as AWS SDKs parse them: the exception's name (from
 * {@link io.dbgateway.error.ErrorCode}) in the {@code X-Amzn-Errortype} header and in {@code __type},
 * and the detail in {@code message}, added to the usual problem+json body, so other clients still
 * read {@code code}, {@code sqlState} and the rest.
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
    ctx.response().putHeader("X-Amzn-Errortype", name);
    int status = problem.code().dataApiStatus();
    Problems.send(ctx, problem, status,
        new JsonObject().put("status", status).put("__type", name).put("message", problem.detail()));
  }
}
