package io.dbgateway.http;

import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Routes another protocol's adapter adds to the HTTP server (the RDS Data API's, {@code dataapi/}): their
 * paths, authenticated like {@code /v1} and by AWS SigV4 too, and how each HTTP verticle mounts them on its
 * router and its calls. The composition root hands them to {@link HttpVerticle}, so {@code http/} does not
 * depend on the adapters built on it.
 *
 * @param paths the paths the adapter serves
 * @param mount mounts the adapter's routes on a verticle's router, running operations through its calls
 */
public record SignedRoutes(List<String> paths, BiConsumer<Router, HttpOperations> mount) {

  public SignedRoutes {
    paths = List.copyOf(paths);
  }
}
