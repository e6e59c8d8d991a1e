package io.dbgateway.http;

import io.vertx.core.http.HttpConnection;

/**
 * The HTTP adapter's one use of Vert.x internals: closes an HTTP/1.1 connection's socket now, dropping what
 * Vert.x and Netty still queue for it, so a stream whose client stopped reading frees its queued rows.
 *
 * <p>No public API of Vert.x 5.0.8 does (read in its sources): {@code HttpConnection.close()} and
 * {@code shutdown(timeout)} end in {@code VertxConnection.writeClose}, which closes the channel only once an
 * empty write has been flushed behind everything queued, and a client that stopped reading never lets that
 * happen; {@code HttpServerResponse.reset()} on HTTP/1.1 closes the connection that same way (and refuses
 * once the response has ended); only the server's idle timeout closes at once, and it is the whole server's
 * setting, not one connection's. So this reaches the channel through Vert.x's internal
 * {@code ConnectionBase}; where that fails (another connection class), the caller falls back to
 * {@code reset()}. {@code ArchitectureTest} allows it by name, beside the drivers' adapters and the log
 * context. Check it on every Vert.x upgrade.
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
