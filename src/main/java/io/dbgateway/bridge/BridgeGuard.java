package io.dbgateway.bridge;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.http.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each frame a bridge client sends. A {@code send} to an operation address is authenticated,
 * and goes on the bus with only the headers the gateway sets: the caller, so the database verticle
 * enforces its role, and the send timeout. Nothing a client writes can name another caller, and its
 * secret never travels on the bus. {@code publish} is refused: every database verticle instance would
 * run the operation. Every other frame is left to the bridge's permitted addresses, the operations only.
 */
final class BridgeGuard implements Handler<BridgeEvent> {

  private static final Logger log = LoggerFactory.getLogger(BridgeGuard.class);

  static final String AUTHORIZATION = "authorization";
  /** The bridge reads a frame's {@code timeout} header as the send timeout, in milliseconds. */
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

  @Override
  public void handle(BridgeEvent event) {
    if (event.type() == BridgeEventType.PUBLISH) {
      event.complete(false);
      return;
    }
    JsonObject frame = event.getRawMessage();
    if (event.type() != BridgeEventType.SEND || !Addresses.OPERATIONS.contains(frame.getString("address"))) {
      event.complete(true);
      return;
    }
    JsonObject headers = frame.getValue("headers") instanceof JsonObject given ? given : new JsonObject();
    try {
      Caller caller = caller(headers.getString(AUTHORIZATION));
      limiter.admit(caller.keyId()).ifPresent(problem -> {
        throw new GatewayException(problem);
      });
      if (!(frame.getValue("body") instanceof JsonObject)) {
        throw GatewayException.badRequest("the body must be a JSON object");
      }
      frame.put("headers", busHeaders(headers, caller));
      event.complete(true);
    } catch (GatewayException e) {
      refuse(event, frame, e.problem());
    }
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

  /** The caller's headers and the send timeout; every other header the client sent is dropped. */
  private JsonObject busHeaders(JsonObject given, Caller caller) {
    long timeout = given.getValue(TIMEOUT) instanceof Number n && n.longValue() > 0 ? n.longValue() : defaultTimeoutMs;
    return new JsonObject()
        .put(TIMEOUT, timeout)
        .put(Caller.KEY_ID_HEADER, caller.keyId())
        .put(Caller.ROLE_HEADER, caller.role().label());
  }

  /**
   * Answers the frame with one error frame shaped like any failed operation (failure code = HTTP
   * status, message = problem JSON). The event is deliberately left uncompleted: completing it with
   * false would make the bridge send a second, generic error frame for the same request, and failing
   * it would log a stack trace for every bad key.
   */
  private static void refuse(BridgeEvent event, JsonObject frame, Problem problem) {
    log.info("bridge refused a frame from {} for {}: {} {}", event.socket().remoteAddress(),
        frame.getString("address"), problem.code(), problem.detail());
    JsonObject err = new JsonObject()
        .put("type", "err")
        .put("sourceAddress", frame.getString("address"))
        .put("failureCode", problem.status())
        .put("failureType", ReplyFailure.RECIPIENT_FAILURE.name())
        .put("message", problem.toJson().encode());
    if (frame.getString("replyAddress") != null) {
      err.put("address", frame.getString("replyAddress"));
    }
    Buffer json = err.toBuffer();
    event.socket().write(Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json));
  }
}
