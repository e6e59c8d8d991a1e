package io.dbgateway.http;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.AuthFailures;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * Who is calling: {@code Authorization: Bearer <secret>} on every API path, and on the Data API paths
 * also an AWS SigV4 signature. A missing or wrong credential answers 401; with no keys configured every
 * request is {@link Caller#ANONYMOUS} (start-up allows that only where it is safe). Secrets are never
 * logged.
 *
 * <p>It is decided from the headers, before any byte of the body is read: a request without a valid
 * Bearer key is refused then, and its connection closed, so nothing without a key makes the gateway
 * hold a body. Only a SigV4 signature, which covers the body, waits for it: {@link #signed()} checks it
 * once the (bounded) body is read.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  /** Checks an AWS SigV4 {@code Authorization} header against the request and its body. */
  @FunctionalInterface
  public interface SigV4 {
    /** The signing key's caller; throws {@link GatewayException} when the signature does not verify. */
    Caller verify(HttpServerRequest request, Buffer body);
  }

  private static final String BEARER = "bearer ";
  private static final String AWS_SIGV4 = "aws4-hmac-sha256 ";

  private final ApiKeys keys;
  private final SigV4 sigV4;
  private final boolean dataApi;
  private final AuthFailures failures;

  /**
   * @param dataApi whether this handler guards Data API paths, where SigV4 is accepted as well
   * @param failures the failed attempts of every client address, shared by the whole process
   */
  public AuthHandler(ApiKeys keys, SigV4 sigV4, boolean dataApi, AuthFailures failures) {
    this.keys = keys;
    this.sigV4 = sigV4;
    this.dataApi = dataApi;
    this.failures = failures;
  }

  /** From the headers alone: the caller, a refusal, or (a SigV4 signature) on to the body. */
  @Override
  public void handle(RoutingContext ctx) {
    if (keys.anonymous()) {
      HttpCaller.set(ctx, Caller.ANONYMOUS);
      ctx.next();
      return;
    }
    java.util.List<String> headers = ctx.request().headers().getAll("Authorization");
    if (headers.size() > 1) {
      refuse(ctx, Problem.of(ErrorCode.BAD_REQUEST, "send one Authorization header, not " + headers.size()));
      return;
    }
    String header = headers.isEmpty() ? null : headers.get(0);
    String lower = header == null ? "" : header.toLowerCase(Locale.ROOT);
    if (dataApi && lower.startsWith(AWS_SIGV4)) {
      ctx.next(); // the signature covers the body: checked by signed(), once the body is read
      return;
    }
    Optional<Caller> caller = lower.startsWith(BEARER)
        ? keys.authenticate(header.substring(BEARER.length()).trim()) : Optional.empty();
    if (caller.isEmpty()) {
      refuse(ctx, Problem.of(ErrorCode.UNAUTHORIZED, dataApi
          ? "send Authorization: Bearer <secret>, or sign the request with AWS SigV4"
          : "send Authorization: Bearer <secret> with a configured API key"));
      return;
    }
    HttpCaller.set(ctx, caller.get());
    ctx.next();
  }

  /** After the body: checks a SigV4 signature the headers announced; a request already authenticated goes on. */
  public Handler<RoutingContext> signed() {
    return ctx -> {
      if (HttpCaller.keyIdIfKnown(ctx) != null) {
        ctx.next();
        return;
      }
      try {
        HttpCaller.set(ctx, sigV4.verify(ctx.request(), RequestBodies.buffer(ctx)));
      } catch (GatewayException e) {
        refuse(ctx, e.problem());
        return;
      }
      ctx.next();
    };
  }

  /**
   * Answers a failed authentication: at once, or a while later when its address keeps failing. A body
   * not read yet never will be: the connection closes after the answer.
   */
  private void refuse(RoutingContext ctx, Problem problem) {
    if (problem.code() == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (!ctx.request().isEnded()) {
      Problems.closeAfterAnswer(ctx);
    }
    var remote = ctx.request().remoteAddress();
    long delayMs = failures.failed(remote == null ? null : remote.hostAddress());
    if (delayMs == 0) {
      Problems.send(ctx, problem);
      return;
    }
    Problem slowed = problem.withRetryAfter((int) Math.max(1, (delayMs + 999) / 1000));
    ctx.vertx().setTimer(delayMs, id -> Problems.send(ctx, slowed));
  }
}
