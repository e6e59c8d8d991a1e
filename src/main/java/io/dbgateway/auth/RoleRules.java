package io.dbgateway.auth;

import io.dbgateway.api.Addresses;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What each role may do, checked where every adapter's requests arrive: the database verticles. A READ
 * caller's units all run in transactions the database keeps read-only; a NAMED caller may run named
 * queries and nothing else (it cannot begin transactions either).
 */
public final class RoleRules {

  /** The operations a READ caller may use, each forced read-only. */
  private static final Set<String> FORCED_READ_ONLY =
      Set.of(Addresses.QUERY, Addresses.BATCH, Addresses.TRANSACTION, Addresses.TX_BEGIN);

  private RoleRules() {}

  /**
   * The body {@code caller} may send to {@code address}: unchanged, or with {@code readOnly} forced on.
   *
   * @throws GatewayException 403 {@code FORBIDDEN} when the caller's role does not allow the operation
   */
  public static JsonObject admit(Caller caller, String address, JsonObject body) {
    return switch (caller.role()) {
      case WRITE -> body;
      case READ -> FORCED_READ_ONLY.contains(address) ? body.copy().put("readOnly", true) : body;
      case NAMED -> {
        if (!address.equals(Addresses.NAMED)) {
          throw GatewayException.of(ErrorCode.FORBIDDEN, "the key '" + caller.keyId()
              + "' may run named queries only (POST /v1/queries/{name}, " + Addresses.NAMED + ")");
        }
        yield body;
      }
    };
  }

  /**
   * A READ caller may run a named query only if the query is read-only.
   *
   * @throws GatewayException 403 {@code FORBIDDEN} otherwise
   */
  public static void requireMayRun(Caller caller, String queryName, boolean queryReadOnly) {
    if (caller.role() == Role.READ && !queryReadOnly) {
      throw GatewayException.of(ErrorCode.FORBIDDEN, "the key '" + caller.keyId()
          + "' is read-only and the named query '" + queryName + "' is not");
    }
  }
}
