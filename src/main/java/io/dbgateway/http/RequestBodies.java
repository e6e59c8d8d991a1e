package io.dbgateway.http;

import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one reading of a request body as a JSON object, for the /v1 API and the Data API alike. */
public final class RequestBodies {

  /** Where {@link BodyReader} leaves the body it read, in the request's context data. */
  private static final String BODY = "dbgateway.body";

  private RequestBodies() {}

  /** Keeps the body {@link BodyReader} read, for the handlers after it. */
  static void set(RoutingContext ctx, Buffer body) {
    ctx.put(BODY, body);
  }

  /** The body as read, empty when there was none. */
  public static Buffer buffer(RoutingContext ctx) {
    Buffer body = ctx.get(BODY);
    return body == null ? Buffer.buffer() : body;
  }

  /** Whether the request had no body, or an empty one. */
  public static boolean isEmpty(RoutingContext ctx) {
    return buffer(ctx).length() == 0;
  }


  /**
   * The body as a JSON object.
   *
   * @throws GatewayException BAD_REQUEST when it is malformed, JSON but not an object (an empty body
   *     included), or names a member twice in one object
   */
  public static JsonObject object(RoutingContext ctx) {
    if (isEmpty(ctx)) {
      throw GatewayException.badRequest("the body must be a JSON object");
    }
    return io.dbgateway.api.StrictJson.object(buffer(ctx));
  }

  /** Like {@link #object}, for operations whose fields are all optional: no body is an empty object. */
  public static JsonObject objectOrEmpty(RoutingContext ctx) {
    return isEmpty(ctx) ? new JsonObject() : object(ctx);
  }
}
