package io.dbgateway.http;

import io.dbgateway.config.HttpConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.Problem;
import io.dbgateway.resilience.Deadlines;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a request body into memory, within bounds that hold before anything is known of the caller:
 * the body limit (413, from {@code Content-Length} before a byte is read), a share of one budget for
 * every body in flight in the process and a smaller one per client address (503, the connection
 * closed), and a time limit for the body to arrive whole (408, the connection closed; checked by the event loop's
 * sweep, so up to 100 ms late). The bytes are
 * given back to the budget when the answer ends. In place of vertx-web's {@code BodyHandler}, which
 * bounds one body only.
 */
final class BodyReader implements Handler<RoutingContext> {

  /** The bytes of bodies held now, across the process and per client address; one per process. */
  static final class Budget {
    private final long total;
    private final long perAddress;
    private final AtomicLong held = new AtomicLong();
    private final Map<String, AtomicLong> heldByAddress = new ConcurrentHashMap<>();

    Budget(long total, long perAddress) {
      this.total = total;
      this.perAddress = perAddress;
    }

    /** Takes {@code bytes} for {@code address}, or nothing and false when either bound would be passed. */
    boolean take(String address, long bytes) {
      if (held.addAndGet(bytes) > total) {
        held.addAndGet(-bytes);
        return false;
      }
      AtomicLong mine = heldByAddress.computeIfAbsent(address, a -> new AtomicLong());
      if (mine.addAndGet(bytes) > perAddress) {
        mine.addAndGet(-bytes);
        held.addAndGet(-bytes);
        return false;
      }
      return true;
    }

    void giveBack(String address, long bytes) {
      held.addAndGet(-bytes);
      heldByAddress.computeIfPresent(address, (a, mine) -> mine.addAndGet(-bytes) <= 0 ? null : mine);
    }

    /** The bytes held now, for the metrics and the tests. */
    long held() {
      return held.get();
    }
  }

  private final HttpConfig http;
  private final Budget budget;

  BodyReader(HttpConfig http, Budget budget) {
    this.http = http;
    this.budget = budget;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    if (request.isEnded() || length == null && !chunked) {
      ctx.next(); // no body
      return;
    }
    long declared;
    try {
      declared = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      refuse(ctx, Problem.of(ErrorCode.BAD_REQUEST, "Content-Length is not a number"));
      return;
    }
    if (declared > http.maxBodyBytes()) {
      refuse(ctx, tooLarge());
      return;
    }
    new Reading(ctx, declared).start();
  }

  private Problem tooLarge() {
    return Problem.of(ErrorCode.TOO_LARGE, "the body is larger than " + http.maxBodyBytes() + " bytes");
  }

  /** Answers, and closes the connection: what is left of the body is never read. */
  private static void refuse(RoutingContext ctx, Problem problem) {
    if (!ctx.response().ended()) {
      Problems.sendAndClose(ctx, problem);
    }
  }

  /** One body being read: its bytes taken from the budget as they are promised or arrive. */
  private final class Reading {
    private final RoutingContext ctx;
    private final String address;
    private final long declared;
    private Buffer body;
    private long taken;
    private Deadlines.Alarm timeout;
    private boolean over;

    Reading(RoutingContext ctx, long declared) {
      this.ctx = ctx;
      // The connection's own address: Vert.x Web's request wrapper parses forwarding headers for it on
      // every call, which the gateway does not honour (no AllowForwardHeaders) and need not pay for.
      var remote = ctx.request().connection().remoteAddress();
      this.address = remote == null ? "" : remote.hostAddress();
      this.declared = declared;
    }

    void start() {
      // A declared length is taken whole at once, before a byte of it is read.
      if (declared > 0 && !take(declared)) {
        return;
      }
      ctx.addEndHandler(done -> release());
      body = Buffer.buffer((int) Math.max(0, declared));
      String expect = ctx.request().getHeader(HttpHeaders.EXPECT);
      if (expect != null && expect.equalsIgnoreCase("100-continue") && ctx.request().version() != HttpVersion.HTTP_1_0) {
        ctx.response().writeContinue(); // the caller is known by now: invite the body
      }
      timeout = Deadlines.alarm(ctx.vertx(), http.bodyTimeoutMs(), () -> fail(Problem.of(ErrorCode.REQUEST_TIMEOUT,
          "the body did not arrive whole within " + http.bodyTimeoutMs() + " ms (GATEWAY_HTTP_BODY_TIMEOUT_MS)")));
      ctx.request()
          .handler(this::chunk)
          .endHandler(v -> end())
          .exceptionHandler(failure -> fail(null))
          .resume();
    }

    private boolean take(long bytes) {
      if (budget.take(address, bytes)) {
        taken += bytes;
        return true;
      }
      fail(new Problem(ErrorCode.UNAVAILABLE, "the gateway holds as many request bodies as it may"
          + " (GATEWAY_HTTP_BODIES_IN_FLIGHT_BYTES); retry shortly", null, null, null, true,
          Failures.RETRY_AFTER_SECONDS));
      return false;
    }

    private void chunk(Buffer chunk) {
      if (over) {
        return;
      }
      long length = body.length() + (long) chunk.length();
      if (length > http.maxBodyBytes()) {
        fail(tooLarge());
        return;
      }
      if (length > taken && !take(length - taken)) {
        return;
      }
      body.appendBuffer(chunk);
    }

    private void end() {
      if (over) {
        return;
      }
      timeout.cancel();
      RequestBodies.set(ctx, body);
      ctx.next();
    }

    private void fail(Problem problem) {
      if (over) {
        return;
      }
      over = true;
      if (timeout != null) {
        timeout.cancel();
      }
      body = null;
      release();
      if (problem == null) {
        ctx.request().connection().close();
      } else {
        refuse(ctx, problem);
      }
    }

    private void release() {
      if (taken > 0) {
        budget.giveBack(address, taken);
        taken = 0;
      }
    }
  }
}
