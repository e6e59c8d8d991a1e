package io.dbgateway.bridge;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.BusCallers;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.http.RateLimiter;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;

/**
 * Admits each {@code send} frame to an operation address: authenticates its key, counts it against the
 * key's request rate, and gives the headers it goes on the bus with: the caller, so the database
 * verticle enforces its role, and the send timeout. Nothing a client writes can name another caller, and
 * its secret never travels on the bus.
 */
final class BridgeGuard {

  static final String AUTHORIZATION = "authorization";
  /** A frame's {@code timeout} header is the send timeout, in milliseconds. */
  static final String TIMEOUT = "timeout";
  private static final String BEARER = "bearer ";

  private final ApiKeys keys;
  private final long defaultTimeoutMs;
  private final RateLimiter limiter;

  /** @param limiter the per-key request rate, the same buckets HTTP uses */
  BridgeGuard(ApiKeys keys, long defaultTimeoutMs, RateLimiter limiter) {
    this.keys = keys;
    this.defaultTimeoutMs = defaultTimeoutMs;
    this.limiter = limiter;
  }

  /**
   * How the {@code send} frame goes on the bus: its caller's headers and the send timeout.
   *
   * @throws GatewayException 401 for a missing or wrong key, 429 past the key's rate, 400 for a body
   *     that is not a JSON object
   */
  DeliveryOptions admit(JsonObject frame) {
    JsonObject headers = frame.getValue("headers") instanceof JsonObject given ? given : new JsonObject();
    String authorization = headers.getString(AUTHORIZATION);
    Caller caller = caller(authorization);
    limiter.admit(caller.keyId()).ifPresent(problem -> {
      throw new GatewayException(problem);
    });
    if (!(frame.getValue("body") instanceof JsonObject)) {
      throw GatewayException.badRequest("the body must be a JSON object");
    }
    long timeout = headers.getValue(TIMEOUT) instanceof Number n && n.longValue() > 0 ? n.longValue() : defaultTimeoutMs;
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(timeout)
        .addHeader(Caller.KEY_ID_HEADER, caller.keyId())
        .addHeader(Caller.ROLE_HEADER, caller.role().label());
    // The key itself goes along: in cluster mode the message may be served by another member, which
    // trusts a key it checks, never role headers (auth.BusCallers).
    return keys.anonymous() ? options
        : options.addHeader(BusCallers.API_KEY_HEADER, authorization.substring(BEARER.length()).trim());
  }

  /** The key's caller; anonymous when no keys are configured (start-up allows that on loopback only). */
  private Caller caller(String authorization) {
    if (keys.anonymous()) {
      return Caller.ANONYMOUS;
    }
    if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      throw GatewayException.of(ErrorCode.UNAUTHORIZED,
          "a key is missing: send the header \"authorization\": \"Bearer <secret>\" in every frame");
    }
    Optional<Caller> caller = keys.authenticate(authorization.substring(BEARER.length()).trim());
    return caller.orElseThrow(() -> GatewayException.of(ErrorCode.UNAUTHORIZED, "the key is wrong"));
  }
}
