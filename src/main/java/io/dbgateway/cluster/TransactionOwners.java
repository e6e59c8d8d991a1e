package io.dbgateway.cluster;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.BusCallers;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Which instance of a cluster owns an interactive transaction, and the hop to it. An interactive
 * transaction holds a connection of the instance that began it; its id, as clients see it, is that
 * instance's id, a dot, and the id the instance keeps ({@code <instance>.<local id>}). An operation on a
 * transaction of another instance is sent to that instance's own address on the clustered event bus,
 * {@code dbgateway.owner.<instance>}, with the caller's API key, and the owner runs it as any operation.
 * If the owner has left the cluster, its connections closed with it, and the database rolled the
 * transaction back: the answer is a 404 that says so.
 */
public final class TransactionOwners {

  /** Each instance's own address for operations on the transactions it owns. */
  public static final String ADDRESS_PREFIX = "dbgateway.owner.";
  /** The address the forwarded operation was sent to, at its origin. */
  public static final String OPERATION_HEADER = "dbgateway-operation";
  private static final char SEPARATOR = '.';

  private final Vertx vertx;
  private final ApiKeys keys;
  private final String self;
  private final long sendTimeoutMs;

  /** @param sendTimeoutMs how long a forwarded operation may take: the bus reply timeout of every operation */
  public TransactionOwners(Vertx vertx, ApiKeys keys, long sendTimeoutMs) {
    this.vertx = vertx;
    this.keys = keys;
    this.sendTimeoutMs = sendTimeoutMs;
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    this.self = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }

  /** This instance's id, the prefix of the transactions it owns. */
  public String self() {
    return self;
  }

  /** This instance's address for operations forwarded by the others. */
  public String address() {
    return ADDRESS_PREFIX + self;
  }

  /** The id clients see for a transaction this instance keeps as {@code localId}. */
  public String clusterId(String localId) {
    return self + SEPARATOR + localId;
  }

  /**
   * The instance that owns {@code txId}, or null when this one does or the id names no instance (this
   * instance then looks it up itself, and a wrong id is its 404).
   */
  public String ownerOf(String txId) {
    int dot = txId.indexOf(SEPARATOR);
    if (dot <= 0) {
      return null;
    }
    String owner = txId.substring(0, dot);
    return owner.equals(self) ? null : owner;
  }

  /** The id this instance keeps for {@code txId}, one it owns. */
  public String localId(String txId) {
    int dot = txId.indexOf(SEPARATOR);
    return dot > 0 && txId.regionMatches(0, self, 0, dot) && dot == self.length() ? txId.substring(dot + 1) : txId;
  }

  /**
   * Sends the operation at {@code address} to {@code owner}, as {@code caller}: its key goes along, so
   * the owner checks it as it would a Bearer token, and a caller with fewer rights than its key keeps them.
   */
  public Future<Message<JsonObject>> forward(String owner, String address, JsonObject body, Caller caller) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(sendTimeoutMs)
        .addHeader(OPERATION_HEADER, address);
    if (!keys.anonymous()) {
      String secret = keys.byId(caller.keyId()).map(key -> key.secret()).orElse(null);
      if (secret == null) {
        return Future.failedFuture(GatewayException.of(ErrorCode.FORBIDDEN,
            "this caller has no API key to send to the instance that owns the transaction"));
      }
      options.addHeader(BusCallers.API_KEY_HEADER, secret).addHeader(Caller.ROLE_HEADER, caller.role().label());
    }
    return vertx.eventBus().<JsonObject>request(ADDRESS_PREFIX + owner, body, options)
        .recover(failure -> Future.failedFuture(problemOf(failure, body.getString("txId"))));
  }

  /** A failed hop as the caller's problem: the owner's own problem, or the owner gone. */
  private static GatewayException problemOf(Throwable failure, String txId) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return GatewayException.of(ErrorCode.NOT_FOUND, "transaction " + txId + " is gone: the gateway instance that"
          + " held it left the cluster, and its work was rolled back when its connection closed");
    }
    return failure instanceof GatewayException known ? known : new GatewayException(io.dbgateway.http.Problems.fromBus(failure));
  }
}
