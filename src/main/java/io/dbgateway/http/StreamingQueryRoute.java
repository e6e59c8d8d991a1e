package io.dbgateway.http;

import io.dbgateway.api.QueryRequest;
import io.dbgateway.auth.Caller;
import io.dbgateway.stream.QueryStream;
import io.dbgateway.stream.QueryStreamer;
import io.dbgateway.error.GatewayException;
import io.dbgateway.idempotency.IdempotencyKey;
import io.dbgateway.operations.Operations;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code POST /v1/query} with {@code Accept: application/x-ndjson}: the rows stream through a cursor
 * as NDJSON (see {@link QueryStream} for the lines). {@link Operations} admits the query and counts it,
 * as it does every operation; the rows come from the {@link QueryStreamer}. Every other request falls
 * through to the ordinary {@code /v1/query} route.
 */
public final class StreamingQueryRoute {

  public static final String NDJSON = "application/x-ndjson";

  /** Streams in the metrics: operation {@code stream}. */
  private static final String OPERATION = "stream";

  private final QueryStreamer streamer;
  private final Operations operations;

  public StreamingQueryRoute(QueryStreamer streamer, Operations operations) {
    this.streamer = streamer;
    this.operations = operations;
  }

  /** Mounts before the ordinary {@code /v1/query} route, which takes every request this one passes on. */
  public void mount(Router router) {
    router.post("/v1/query").handler(ctx -> {
      if (wantsNdjson(ctx)) {
        stream(ctx);
      } else {
        ctx.next();
      }
    });
  }

  private static boolean wantsNdjson(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.toLowerCase(Locale.ROOT).contains(NDJSON)) {
      return false; // the common case, decided without parsing the header
    }
    for (MIMEHeader accepted : ctx.parsedHeaders().accept()) {
      if (NDJSON.equals(accepted.value().toLowerCase(Locale.ROOT)) && accepted.weight() > 0) {
        return true;
      }
    }
    return false;
  }

  private void stream(RoutingContext ctx) {
    JsonObject body = V1Routes.jsonBody(ctx);
    if (body == null) {
      return;
    }
    long start = System.nanoTime();
    AccessLog.operation(ctx, OPERATION);
    Caller caller = HttpCaller.of(ctx);
    QueryRequest request;
    try {
      // The same admission as every operation: a READ key's stream is read-only, a NAMED key's refused.
      request = operations.admitStream(body, caller);
      if (request.txId() != null) {
        throw GatewayException.badRequest("a streamed query cannot run inside an interactive transaction:"
            + " send it without txId, or without Accept: " + NDJSON);
      }
      if (!request.readOnly() && body.getValue(IdempotencyKey.FIELD) != null) {
        throw GatewayException.badRequest("a streamed query takes no Idempotency-Key: its result is not"
            + " recorded; send it without Accept: " + NDJSON + ", or with readOnly");
      }
    } catch (GatewayException e) {
      operations.finish(OPERATION, caller, start, Future.failedFuture(e))
          .onFailure(failure -> Problems.send(ctx, ((GatewayException) failure).problem()));
      return;
    }
    // Without an explicit maxRows a stream sends every row: the default cut is for buffered results.
    long maxRows = body.getValue("maxRows") == null ? Long.MAX_VALUE : request.limits().maxRows();
    HttpServerResponse response = ctx.response();
    Opened opened = new Opened();
    response.closeHandler(closed -> opened.cancel());
    streamer.open(request, caller, maxRows).onComplete(stream -> {
      if (!opened.set(stream)) {
        return;
      }
      response.setChunked(true).putHeader("Content-Type", NDJSON);
      stream.writeTo(response).onComplete(outcome -> {
        response.end();
        operations.record(OPERATION, outcome, start);
      }, abandoned -> {
        abort(ctx);
        operations.record(OPERATION, "ABANDONED", start);
      });
    }, failure -> operations.finish(OPERATION, caller, start, Future.failedFuture(failure))
        .onFailure(problem -> Problems.send(ctx, ((GatewayException) problem).problem())));
  }

  /**
   * Drops a stream the client will not get to the end of: its transaction is rolled back and its database
   * connection given back by then. The HTTP connection is closed through Vert.x's public API, which
   * first writes what it already queued (a bounded number of rows): so the socket closes once the client
   * takes those bytes, or at the server's idle timeout ({@code GATEWAY_HTTP_IDLE_TIMEOUT}) if it never
   * does. No public API of Vert.x drops a connection's queued bytes at once (docs/api.md, "Streaming").
   */
  private static void abort(RoutingContext ctx) {
    ctx.response().reset();
  }

  /** The stream once open, so a client that goes away (before or after that) cancels it. */
  private static final class Opened {
    private QueryStream stream;
    private boolean closed;

    /** Keeps the stream, or cancels it at once if the client already went away; false then. */
    boolean set(QueryStream opened) {
      if (closed) {
        opened.cancel();
        return false;
      }
      stream = opened;
      return true;
    }

    void cancel() {
      closed = true;
      if (stream != null) {
        stream.cancel();
      }
    }
  }
}
