package io.dbgateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of the whole API, a resource of the jar. It is
 * read once per process, on the first request for it: start-up does not pay for 100 kB nobody may ask
 * for, and the HTTP verticle instances share one copy.
 */
public final class OpenApiHandler implements Handler<RoutingContext> {

  public static final String PATH = "/openapi.json";

  /** Loaded when first used (the JVM initialises a holder class once, thread-safely). */
  private static final class Document {
    static final Buffer BYTES = load();

    private static Buffer load() {
      try (InputStream in = OpenApiHandler.class.getResourceAsStream(PATH)) {
        if (in == null) {
          throw new IllegalStateException(PATH + " is missing from the class path");
        }
        return Buffer.buffer(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(Document.BYTES);
  }
}
