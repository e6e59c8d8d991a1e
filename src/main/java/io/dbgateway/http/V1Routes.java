package io.dbgateway.http;

import io.dbgateway.api.Addresses;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The {@code /v1} API: each route forwards its JSON body to the operation's event-bus address. */
public final class V1Routes {

  static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  private final BusForwarder bus;

  public V1Routes(BusForwarder bus) {
    this.bus = bus;
  }

  public void mount(Router router) {
    router.post("/v1/query").handler(ctx -> forward(ctx, Addresses.QUERY));
    router.post("/v1/batch").handler(ctx -> forward(ctx, Addresses.BATCH));
    router.post("/v1/transaction").handler(ctx -> forward(ctx, Addresses.TRANSACTION));
  }

  private void forward(RoutingContext ctx, String address) {
    JsonObject body = jsonBody(ctx);
    if (body != null) {
      bus.forward(ctx, address, body);
    }
  }

  /**
   * The request's JSON object, with its {@code Idempotency-Key} header copied in; null when the body is
   * not one, after answering the problem.
   */
  static JsonObject jsonBody(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      Problems.send(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the body is not a JSON object: malformed JSON"));
      return null;
    }
    if (body == null) {
      Problems.send(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the body must be a JSON object"));
      return null;
    }
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY_HEADER);
    if (key != null) {
      Object inBody = body.getValue(IdempotencyKey.FIELD);
      if (inBody != null && !key.equals(inBody)) {
        Problems.send(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the Idempotency-Key header and the body's idempotencyKey differ"));
        return null;
      }
      body.put(IdempotencyKey.FIELD, key);
    }
    return body;
  }
}
