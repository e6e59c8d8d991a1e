package io.dbgateway.http;

import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one reading of a request body as a JSON object, for the /v1 API and the Data API alike. */
public final class RequestBodies {

  private RequestBodies() {}

  /**
   * The body as a JSON object.
   *
   * @throws GatewayException BAD_REQUEST when it is malformed, JSON but not an object (an empty body
   *     included), or names a member twice in one object
   */
  public static JsonObject object(RoutingContext ctx) {
    if (ctx.body().isEmpty()) {
      throw GatewayException.badRequest("the body must be a JSON object");
    }
    return io.dbgateway.api.StrictJson.object(ctx.body().buffer());
  }

  /** Like {@link #object}, for operations whose fields are all optional: no body is an empty object. */
  public static JsonObject objectOrEmpty(RoutingContext ctx) {
    return ctx.body().isEmpty() ? new JsonObject() : object(ctx);
  }
}
