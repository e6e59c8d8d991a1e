package io.dbgateway.http;

import io.dbgateway.api.Addresses;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The {@code /v1} API: each route runs its operation (named by its event-bus address) on the JSON body. */
public final class V1Routes {

  static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  private final HttpOperations bus;

  public V1Routes(HttpOperations bus) {
    this.bus = bus;
  }

  public void mount(Router router) {
    router.post("/v1/query").handler(ctx -> send(ctx, Addresses.QUERY, jsonBody(ctx)));
    router.post("/v1/batch").handler(ctx -> send(ctx, Addresses.BATCH, jsonBody(ctx)));
    router.post("/v1/transaction").handler(ctx -> send(ctx, Addresses.TRANSACTION, jsonBody(ctx)));
    router.post("/v1/transactions").handler(ctx -> send(ctx, Addresses.TX_BEGIN, optionalJsonBody(ctx)));
    router.post("/v1/transactions/:txId/commit").handler(ctx -> end(ctx, Addresses.TX_COMMIT));
    router.post("/v1/transactions/:txId/rollback").handler(ctx -> end(ctx, Addresses.TX_ROLLBACK));
    router.post("/v1/queries/:name").handler(ctx -> {
      JsonObject body = optionalJsonBody(ctx);
      if (body != null && body.containsKey("name")) {
        Problems.send(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the named query's name goes in the path, not the body"));
        return;
      }
      send(ctx, Addresses.NAMED, body == null ? null : body.put("name", ctx.pathParam("name")));
    });
  }

  /** Forwards {@code body}; null when its problem was already answered. */
  private void send(RoutingContext ctx, String address, JsonObject body) {
    if (body != null) {
      bus.forward(ctx, address, body);
    }
  }

  /** Commit or rollback: the transaction is named by the path; a body, if any, is not read. */
  private void end(RoutingContext ctx, String address) {
    bus.forward(ctx, address, withIdempotencyKey(ctx, new JsonObject().put("txId", ctx.pathParam("txId"))));
  }

  /** {@code body} with the request's {@code Idempotency-Key} header, if any, so the operation can refuse it. */
  private static JsonObject withIdempotencyKey(RoutingContext ctx, JsonObject body) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY_HEADER);
    return key == null ? body : body.put(IdempotencyKey.FIELD, key);
  }

  /** Like {@link #jsonBody}, for operations whose fields are all optional: no body is an empty one. */
  static JsonObject optionalJsonBody(RoutingContext ctx) {
    return RequestBodies.isEmpty(ctx) ? withIdempotencyKey(ctx, new JsonObject()) : jsonBody(ctx);
  }

  /**
   * The request's JSON object, with its {@code Idempotency-Key} header copied in; null when the body is
   * not one, after answering the problem.
   */
  static JsonObject jsonBody(RoutingContext ctx) {
    JsonObject body;
    try {
      body = RequestBodies.object(ctx);
    } catch (GatewayException e) {
      Problems.send(ctx, e.problem());
      return null;
    }
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY_HEADER);
    Object inBody = body.getValue(IdempotencyKey.FIELD);
    if (key != null && inBody != null && !key.equals(inBody)) {
      Problems.send(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the Idempotency-Key header and the body's idempotencyKey differ"));
      return null;
    }
    return withIdempotencyKey(ctx, body);
  }
}
