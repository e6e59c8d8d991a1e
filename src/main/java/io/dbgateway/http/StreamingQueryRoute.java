package io.dbgateway.http;

import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.RequestParser;
import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.RoleRules;
import io.dbgateway.db.QueryStream;
import io.dbgateway.db.QueryStreamer;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.dbgateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/query} with {@code Accept: application/x-ndjson}: the rows stream through a cursor
 * as NDJSON (see {@link QueryStream} for the lines). A stream cannot be one event-bus reply, so this
 * route calls the {@link QueryStreamer} directly; every other request falls through to the bus.
 */
public final class StreamingQueryRoute {

  public static final String NDJSON = "application/x-ndjson";

  private static final Logger log = LoggerFactory.getLogger(StreamingQueryRoute.class);

  /** Streams in the metrics: operation {@code stream}. */
  private static final String OPERATION = "stream";

  private final QueryStreamer streamer;
  private final RequestParser parser;
  private final GatewayMetrics metrics;

  public StreamingQueryRoute(QueryStreamer streamer, RequestParser parser, GatewayMetrics metrics) {
    this.streamer = streamer;
    this.parser = parser;
    this.metrics = metrics;
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
      // The roles' rules, as the bus applies them: a READ key's stream is read-only, a NAMED key's refused.
      body = RoleRules.admit(caller, Addresses.QUERY, body);
      RoleRules.requireReadOnlySql(caller, body, streamer.readOnlyGuard());
      request = parser.query(body);
      if (request.txId() != null) {
        throw GatewayException.badRequest("a streamed query cannot run inside an interactive transaction:"
            + " send it without txId, or without Accept: " + NDJSON);
      }
      if (!request.readOnly() && body.getValue(IdempotencyKey.FIELD) != null) {
        throw GatewayException.badRequest("a streamed query takes no Idempotency-Key: its result is not"
            + " recorded; send it without Accept: " + NDJSON + ", or with readOnly");
      }
    } catch (GatewayException e) {
      refuse(ctx, e.problem(), start);
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
        metrics.operation(streamer.engine(), OPERATION, outcome, start);
      }, abandoned -> {
        abort(ctx);
        metrics.operation(streamer.engine(), OPERATION, "ABANDONED", start);
      });
    }, failure -> {
      Problem problem = failure instanceof GatewayException g ? g.problem() : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
      if (problem.code() == ErrorCode.INTERNAL) {
        log.error("a streamed query failed unexpectedly", failure);
      }
      refuse(ctx, RoleRules.forCaller(caller, problem), start);
    });
  }

  /** Answers a problem before the stream began. */
  private void refuse(RoutingContext ctx, Problem problem, long start) {
    Problems.send(ctx, problem);
    metrics.operation(streamer.engine(), OPERATION, problem.code().name(), start);
  }

  /**
   * Drops a stream the client will not get to the end of. Closing an HTTP/1.1 connection through
   * Vert.x first flushes what it queued, which a client that stopped reading never lets happen: close
   * the socket itself, so the queued rows are freed now.
   */
  private static void abort(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2
        && ctx.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase connection) {
      // From Vert.x's own handler context: the close skips Vert.x's flush-then-close.
      connection.channelHandlerContext().close();
    } else {
      ctx.response().reset();
    }
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
