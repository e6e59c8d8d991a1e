package io.dbgateway.http;

import io.dbgateway.config.HttpConfig;
import io.dbgateway.resilience.Deadlines;
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
 * its previous answer, or it is closed (checked by the event loop's sweep, so up to 100 ms later); a
 * trickle of header lines does not keep it. (The server's idle timeout closes connections that send
 * nothing at all.) One per HTTP verticle instance: its connections live on its event loop, so its state
 * needs no locks.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Vertx vertx;
  private final HttpConfig http;
  private final ClientLimits limits;
  /** What the guard knows of each open connection. */
  private final Map<HttpConnection, Guarded> open = new HashMap<>();
  private static final String KEY = "dbgateway.connectionGuard";

  /** One open connection: its header alarm while it waits for a request, and its requests in progress. */
  private final class Guarded {
    /** Set while the connection waits for a request's headers. */
    Deadlines.Alarm headerAlarm;
    /** Requests in progress (HTTP/1.1 may pipeline them). */
    int inProgress;
    /** To be closed once its current answer is written: nothing more is read off it. */
    boolean closing;

    ConnectionGuard guard() {
      return ConnectionGuard.this;
    }

    void stopWaiting() {
      if (headerAlarm != null) {
        headerAlarm.cancel();
        headerAlarm = null;
      }
    }
  }

  ConnectionGuard(Vertx vertx, HttpConfig http, ClientLimits limits) {
    this.vertx = vertx;
    this.http = http;
    this.limits = limits;
  }

  /** A connection opened: refused past the cap, else given its time to send a request. */
  void opened(HttpConnection conn, Runnable closed) {
    int count = limits.connections.incrementAndGet();
    Guarded guarded = new Guarded();
    open.put(conn, guarded);
    conn.closeHandler(v -> {
      limits.connections.decrementAndGet();
      guarded.stopWaiting();
      open.remove(conn);
      closed.run();
    });
    if (count > http.maxConnections()) {
      log.debug("closed a connection from {}: {} are open (GATEWAY_HTTP_MAX_CONNECTIONS)", conn.remoteAddress(), count - 1);
      conn.close();
      return;
    }
    awaitRequest(conn, guarded);
  }

  /** A request's headers arrived (a router handler, before any other): its connection waits no more. */
  void requestArrived(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    Guarded guarded = open.get(conn);
    if (guarded == null || guarded.closing) {
      // a request pipelined behind one whose framing was in doubt, or whose body was never read; or on a
      // connection closed meanwhile
      conn.close();
      return;
    }
    ctx.put(KEY, guarded);
    guarded.stopWaiting();
    guarded.inProgress++;
    ctx.addEndHandler(done -> {
      if (--guarded.inProgress == 0 && open.containsKey(conn)) {
        awaitRequest(conn, guarded);
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
    Guarded guarded = ctx.get(KEY);
    if (guarded != null) {
      guarded.closing = true;
    }
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Connection", "close");
    }
    ctx.addEndHandler(done -> {
      if (guarded == null || ctx.request().isEnded()) {
        conn.close();
      } else {
        guarded.guard().drainThenClose(ctx, conn);
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

  private void awaitRequest(HttpConnection conn, Guarded guarded) {
    guarded.stopWaiting();
    guarded.headerAlarm = Deadlines.alarm(vertx, http.headerTimeoutMs(), () -> {
      guarded.headerAlarm = null;
      log.debug("closed a connection from {}: no whole request within {} ms (GATEWAY_HTTP_HEADER_TIMEOUT_MS)",
          conn.remoteAddress(), http.headerTimeoutMs());
      conn.close();
    });
  }
}
