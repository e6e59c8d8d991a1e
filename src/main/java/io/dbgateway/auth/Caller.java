package io.dbgateway.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Who sent an operation, as it travels on the event bus: the key's id and role in two message headers.
 * A message without them comes from code inside the gateway's own JVM, which is trusted; every adapter
 * that takes requests from outside (HTTP, the Data API, the TCP bridge) sets them.
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
