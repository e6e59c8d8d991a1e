package io.dbgateway.http;

import io.dbgateway.error.GatewayException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one reading of a request body as a JSON object, for the /v1 API and the Data API alike. */
public final class RequestBodies {

  private RequestBodies() {}

  /**
   * The body as a JSON object.
   *
   * @throws GatewayException BAD_REQUEST when it is malformed, or JSON but not an object (an empty body included)
   */
  public static JsonObject object(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw GatewayException.badRequest("the body is not a JSON object: malformed JSON");
    }
    if (body == null) {
      throw GatewayException.badRequest("the body must be a JSON object");
    }
    return body;
  }

  /** Like {@link #object}, for operations whose fields are all optional: no body is an empty object. */
  public static JsonObject objectOrEmpty(RoutingContext ctx) {
    return ctx.body().isEmpty() ? new JsonObject() : object(ctx);
  }
}
