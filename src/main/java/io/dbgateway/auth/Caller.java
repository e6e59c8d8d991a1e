package io.dbgateway.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Who sent an operation: the key's id and role. HTTP and the Data API find it from the request's key and
 * hand it to {@code operations.Operations} directly; on the event bus it travels in two message headers
 * (or, clustered, as the key itself: {@code BusCallers}). A bus message without them comes from code inside
 * the gateway's own JVM, which is trusted; the TCP bridge sets them from the key of each frame.
 */
public record Caller(String keyId, Role role) {

  public static final String KEY_ID_HEADER = "dbgateway-key-id";
  public static final String ROLE_HEADER = "dbgateway-role";

  /** Code in the gateway's JVM, sending on the event bus directly. */
  public static final Caller TRUSTED = new Caller("internal", Role.WRITE);

  /** A request without a key, where anonymous access is allowed. */
  public static final Caller ANONYMOUS = new Caller("anonymous", Role.WRITE);

  /** The caller named by a message's headers, or {@link #TRUSTED} when it names none. */
  public static Caller from(MultiMap headers) {
    String role = headers == null ? null : headers.get(ROLE_HEADER);
    if (role == null) {
      return TRUSTED;
    }
    // An unknown role grants the least: named queries only.
    return new Caller(headers.get(KEY_ID_HEADER), Role.parse(role).orElse(Role.NAMED));
  }

  /** This caller with no more than reading rights: a write key becomes a read key, the others stay. */
  public Caller onlyReading() {
    return role == Role.WRITE ? new Caller(keyId, Role.READ) : this;
  }

  /** {@code options} with this caller's headers set. */
  public DeliveryOptions addTo(DeliveryOptions options) {
    return options.addHeader(KEY_ID_HEADER, keyId).addHeader(ROLE_HEADER, role.label());
  }
}
