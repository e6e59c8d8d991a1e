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
 * request is {@link Caller#ANONYMOUS} (start-up allows that only where it is safe). It runs after the
 * body handler, because a SigV4 signature covers the body. Secrets are never logged.
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

  @Override
  public void handle(RoutingContext ctx) {
    if (keys.anonymous()) {
      HttpCaller.set(ctx, Caller.ANONYMOUS);
      ctx.next();
      return;
    }
    Optional<Caller> caller;
    try {
      caller = authenticate(ctx);
    } catch (GatewayException e) {
      refuse(ctx, e.problem());
      return;
    }
    if (caller.isEmpty()) {
      refuse(ctx, Problem.of(ErrorCode.UNAUTHORIZED, dataApi
          ? "send Authorization: Bearer <secret>, or sign the request with AWS SigV4"
          : "send Authorization: Bearer <secret> with a configured API key"));
      return;
    }
    HttpCaller.set(ctx, caller.get());
    ctx.next();
  }

  private Optional<Caller> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    String lower = header.toLowerCase(Locale.ROOT);
    if (lower.startsWith(BEARER)) {
      return keys.authenticate(header.substring(BEARER.length()).trim());
    }
    if (dataApi && lower.startsWith(AWS_SIGV4)) {
      return Optional.of(sigV4.verify(ctx.request(), ctx.body().buffer()));
    }
    return Optional.empty();
  }

  /** Answers a failed authentication: at once, or a while later when its address keeps failing. */
  private void refuse(RoutingContext ctx, Problem problem) {
    if (problem.code() == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
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
