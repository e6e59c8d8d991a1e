package io.dbgateway.http;

import io.dbgateway.config.HttpConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a client can hold without sending a request: at most {@code GATEWAY_HTTP_MAX_CONNECTIONS}
 * connections in the process (a new one past it is closed at once), and a connection must deliver a
 * request's headers whole within {@code GATEWAY_HTTP_HEADER_TIMEOUT_MS} of its opening, or of the end of
 * its previous answer, or it is closed; a trickle of header lines does not keep it. (The server's idle
 * timeout closes connections that send nothing at all.) One per HTTP verticle instance: its connections
 * live on its event loop, so the timers need no locks.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Vertx vertx;
  private final HttpConfig http;
  private final ClientLimits limits;
  /** The header timer of each connection waiting for a request. */
  private final Map<HttpConnection, Long> waiting = new HashMap<>();
  /** Requests each connection has in progress (HTTP/1.1 may pipeline them). */
  private final Map<HttpConnection, Integer> inProgress = new HashMap<>();
  /** Connections to close once their current answer is written: nothing more is read off them. */
  private final java.util.Set<HttpConnection> closing = new java.util.HashSet<>();
  private static final String KEY = "dbgateway.connectionGuard";

  ConnectionGuard(Vertx vertx, HttpConfig http, ClientLimits limits) {
    this.vertx = vertx;
    this.http = http;
    this.limits = limits;
  }

  /** A connection opened: refused past the cap, else given its time to send a request. */
  void opened(HttpConnection conn, Runnable closed) {
    int open = limits.connections.incrementAndGet();
    conn.closeHandler(v -> {
      limits.connections.decrementAndGet();
      cancel(conn);
      inProgress.remove(conn);
      closing.remove(conn);
      closed.run();
    });
    if (open > http.maxConnections()) {
      log.debug("closed a connection from {}: {} are open (GATEWAY_HTTP_MAX_CONNECTIONS)", conn.remoteAddress(), open - 1);
      conn.close();
      return;
    }
    awaitRequest(conn);
  }

  /** A request's headers arrived (a router handler, before any other): its connection waits no more. */
  void requestArrived(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    if (closing.contains(conn)) {
      // a request pipelined behind one whose framing was in doubt, or whose body was never read
      conn.close();
      return;
    }
    ctx.put(KEY, this);
    cancel(conn);
    inProgress.merge(conn, 1, Integer::sum);
    ctx.addEndHandler(done -> {
      Integer left = inProgress.computeIfPresent(conn, (c, n) -> n <= 1 ? null : n - 1);
      if (left == null) {
        awaitRequest(conn);
      }
    });
    ctx.next();
  }

  /**
   * Closes the request's connection once its answer is written, and serves no request that arrived on
   * it meanwhile (HTTP/1.1 pipelining), for a request whose body was not read, or whose framing is in doubt.
   */
  static void closeAfterAnswer(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    ConnectionGuard guard = ctx.get(KEY);
    if (guard != null) {
      guard.closing.add(conn);
    }
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Connection", "close");
    }
    ctx.addEndHandler(done -> {
      if (guard == null || ctx.request().isEnded()) {
        conn.close();
      } else {
        guard.drainThenClose(ctx, conn);
      }
    });
  }

  /**
   * Reads what is left of an unwanted body and drops it, then closes: closing with unread bytes would
   * reset the connection, and the client could lose the answer it was sent. Never for longer than a body
   * may take ({@code GATEWAY_HTTP_BODY_TIMEOUT_MS}): then the connection closes anyway. Nothing is kept.
   */
  private void drainThenClose(RoutingContext ctx, HttpConnection conn) {
    // Bounded by time, not bytes: closing while the client still sends would reset the connection before
    // it reads the answer. Nothing is kept, so only the time and the connection cap bound it.
    long timer = vertx.setTimer(http.bodyTimeoutMs(), id -> conn.close());
    ctx.request()
        .handler(chunk -> {})
        .endHandler(v -> {
          vertx.cancelTimer(timer);
          conn.close();
        })
        .exceptionHandler(failure -> conn.close())
        .resume();
  }

  private void awaitRequest(HttpConnection conn) {
    cancel(conn);
    waiting.put(conn, vertx.setTimer(http.headerTimeoutMs(), id -> {
      waiting.remove(conn);
      log.debug("closed a connection from {}: no whole request within {} ms (GATEWAY_HTTP_HEADER_TIMEOUT_MS)",
          conn.remoteAddress(), http.headerTimeoutMs());
      conn.close();
    }));
  }

  private void cancel(HttpConnection conn) {
    Long timer = waiting.remove(conn);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
