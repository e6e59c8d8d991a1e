package io.dbgateway.http;

import io.vertx.core.http.HttpConnection;

/**
 * Closes an HTTP/1.1 connection's socket now, dropping what Vert.x still queues for it. No public API
 * does: {@code HttpConnection.close()} and {@code shutdown()} first flush what was queued, which a client
 * that stopped reading never lets happen, and {@code HttpServerResponse.reset()} refuses once the
 * headers are written (on HTTP/1.1 it closes the same way). So this reaches the channel through Vert.x's
 * internal {@code ConnectionBase} (5.0); the only such use outside the drivers and the log context.
 */
final class AbruptClose {

  private AbruptClose() {}

  /** Closes {@code connection}'s channel from Vert.x's own handler context; false if it cannot. */
  static boolean close(HttpConnection connection) {
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
      base.channelHandlerContext().close();
      return true;
    }
    return false;
  }
}
