package io.dbgateway.auth;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.MultiMap;

/**
 * Who sent a message to one of the gateway's event-bus addresses. A message may carry an API key in the
 * {@value #API_KEY_HEADER} header, checked as a Bearer token is: it is then that key's caller (with
 * reading rights only, if its role header says {@code read}: a header can lower a key's rights, never
 * raise them). Without
 * one, a single instance trusts the message's role headers ({@link Caller#from}): only code in its own
 * JVM can reach its event bus. A clustered event bus reaches every member, so in cluster mode a message
 * without a key is refused: membership alone is not trusted (docs/cluster.md).
 */
public final class BusCallers {

  /** The header that carries a caller's API key secret on the event bus. */
  public static final String API_KEY_HEADER = "dbgateway-api-key";

  private final ApiKeys keys;
  private final boolean clustered;

  public BusCallers(ApiKeys keys, boolean clustered) {
    this.keys = keys;
    this.clustered = clustered;
  }

  /**
   * The caller of a message with these headers.
   *
   * @throws GatewayException 401 for a wrong key, or, in cluster mode, for none
   */
  public Caller of(MultiMap headers) {
    String secret = headers == null ? null : headers.get(API_KEY_HEADER);
    if (keys.anonymous()) {
      return secret != null || clustered ? Caller.ANONYMOUS : Caller.from(headers);
    }
    if (secret != null) {
      Caller byKey = keys.authenticate(secret).orElseThrow(() -> GatewayException.of(ErrorCode.UNAUTHORIZED,
          "the key in the " + API_KEY_HEADER + " header is wrong"));
      // A role header may only lower the key's rights (a gateway forwarding a caller reduced to reading).
      boolean readOnly = headers.get(Caller.ROLE_HEADER) != null && Role.READ.label().equals(headers.get(Caller.ROLE_HEADER));
      return readOnly ? byKey.onlyReading() : byKey;
    }
    if (clustered) {
      throw GatewayException.of(ErrorCode.UNAUTHORIZED, "a message on the clustered event bus must carry its API key"
          + " in the " + API_KEY_HEADER + " header: membership of the cluster alone is not trusted");
    }
    return Caller.from(headers);
  }
}
