package io.dbgateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the OpenAPI 3.1 document of the whole API, a resource of the jar. */
public final class OpenApiHandler implements Handler<RoutingContext> {

  public static final String PATH = "/openapi.json";

  private final Buffer document;

  public OpenApiHandler() {
    try (InputStream in = OpenApiHandler.class.getResourceAsStream(PATH)) {
      if (in == null) {
        throw new IllegalStateException(PATH + " is missing from the class path");
      }
      document = Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(document);
  }
}
