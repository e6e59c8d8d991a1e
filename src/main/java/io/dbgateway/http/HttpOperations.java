package io.dbgateway.http;

import io.dbgateway.api.Addresses;
import io.dbgateway.db.SqlExecutor.Outcome;
import io.dbgateway.error.GatewayException;
import io.dbgateway.operations.Operations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs an HTTP request's operation through {@link Operations}, as the request's caller, on the event
 * loop that took the request: no event-bus hop, no copy of the body.
 */
public final class HttpOperations {

  private final Operations operations;

  public HttpOperations(Operations operations) {
    this.operations = operations;
  }

  /** The operation's outcome; a failure is a {@link GatewayException} carrying the caller's problem. */
  public Future<Outcome> request(RoutingContext ctx, String address, JsonObject body) {
    AccessLog.operation(ctx, Addresses.operation(address));
    return operations.run(address, body, HttpCaller.of(ctx));
  }

  /** Runs the operation and answers its JSON result, or its problem. */
  public void forward(RoutingContext ctx, String address, JsonObject body) {
    request(ctx, address, body).onComplete(outcome -> {
      if (outcome.replayed()) {
        ctx.response().putHeader(Addresses.REPLAYED_HEADER, "true");
      }
      ctx.response().putHeader("Content-Type", "application/json").end(outcome.body().toBuffer());
    }, failure -> Problems.send(ctx, ((GatewayException) failure).problem()));
  }
}
