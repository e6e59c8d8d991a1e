package io.dbgateway.http;

import io.dbgateway.metrics.HttpServerMeters;

import io.dbgateway.api.Addresses;
import io.dbgateway.logging.LogContext;
import io.dbgateway.logging.RequestId;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import ch.qos.logback.classic.Logger;
import io.dbgateway.logging.AccessLine;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every HTTP request. It takes the request id from {@code X-Request-Id} (when sane)
 * or makes one, returns it in the response's {@code X-Request-Id} (problems included), makes it part of
 * every log line of the request, and logs one access line when the response ends: method, path,
 * operation, status, duration and key id. Never headers, bodies or query strings: they carry secrets and
 * parameter values.
 */
public final class AccessLog implements Handler<RoutingContext> {

  /** The access log's logger, so operators can route or silence it on its own. */
  public static final String LOGGER = "dbgateway.access";

  /** Logback's own logger: an access line goes to its appenders as an {@link AccessLine}, built from fields. */
  private static final Logger log = (Logger) LoggerFactory.getLogger(LOGGER);
  private static final String REQUEST_ID = "dbgateway.requestId";
  private static final String OPERATION = "dbgateway.operation";

  private final HttpServerMeters meters;

  /** @param meters where each request is counted when it begins and ends ({@code vertx_http_server_*}) */
  public AccessLog(HttpServerMeters meters) {
    this.meters = meters;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    int method = HttpServerMeters.methodIndex(ctx.request().method().name());
    meters.requestBegan(method);
    String id = RequestId.accept(ctx.request().getHeader(RequestId.HTTP_HEADER));
    ctx.put(REQUEST_ID, id);
    LogContext.enter(id, null);
    ctx.response().putHeader(RequestId.HTTP_HEADER, id);
    // Over HTTP/2 the stream may report closed before the end: the response having ended is what counts.
    ctx.addEndHandler(done -> {
      meters.requestEnded(method, ctx.response().getStatusCode(), System.nanoTime() - start,
          ctx.request().bytesRead(), ctx.response().bytesWritten());
      line(ctx, id, start, done.succeeded() || ctx.response().ended());
    });
    ctx.next();
  }

  /** Notes the operation a request was forwarded to, and sends the request id along with it. */
  static void forwarded(RoutingContext ctx, String address, DeliveryOptions options) {
    operation(ctx, Addresses.operation(address));
    String id = ctx.get(REQUEST_ID);
    if (id != null) {
      options.addHeader(RequestId.BUS_HEADER, id);
    }
  }

  /** Notes the operation a request runs, for its access line. */
  static void operation(RoutingContext ctx, String operation) {
    ctx.put(OPERATION, operation);
  }

  private static final String TRANSACTIONS = "/v1/transactions/";
  private static final int MAX_LOGGED_PATH = 256;

  /**
   * The path as the access line shows it: a transaction id cut to its first 6 characters, as the
   * transaction log shows it (a whole id lets whoever reads the log use the transaction), and a path
   * past 256 characters cut there.
   */
  static String loggedPath(String path) {
    if (path == null) {
      return null;
    }
    if (path.startsWith(TRANSACTIONS)) {
      int idStart = TRANSACTIONS.length();
      int idEnd = path.indexOf('/', idStart);
      idEnd = idEnd < 0 ? path.length() : idEnd;
      if (idEnd - idStart > 6) {
        path = path.substring(0, idStart + 6) + "..." + path.substring(idEnd);
      }
    }
    return path.length() > MAX_LOGGED_PATH ? path.substring(0, MAX_LOGGED_PATH) + "..." : path;
  }

  private static void line(RoutingContext ctx, String id, long start, boolean completed) {
    if (!log.isInfoEnabled()) {
      return; // silenced by the operator: build nothing
    }
    double ms = Math.round((System.nanoTime() - start) / 10_000.0) / 100.0;
    AccessLine.log(log, ctx.request().method().name(), loggedPath(ctx.request().path()), ctx.get(OPERATION),
        ctx.response().getStatusCode(), ms, id, HttpCaller.keyIdIfKnown(ctx), completed);
  }
}
