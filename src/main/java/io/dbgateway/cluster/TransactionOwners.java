package io.dbgateway.cluster;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.BusCallers;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which instance of a cluster owns an interactive transaction, and the hop to it. An interactive
 * transaction holds a connection of the instance that began it; its id, as clients see it, is that
 * instance's member id in the cluster, a dot, and the id the instance keeps ({@code <instance>.<local id>}). An operation on a
 * transaction of another instance is sent to that instance's own address on the clustered event bus,
 * {@code dbgateway.owner.<instance>}, with the caller's API key, and the owner runs it as any operation.
 * If the owner has left the cluster, its connections closed with it, and the database rolled the
 * transaction back: the answer is a 404 that says so. If it is a member without an address for
 * operations (joining, merging back, leaving), the answer is a retryable 503: it is not gone.
 */
public final class TransactionOwners {

  /** Each instance's own address for operations on the transactions it owns. */
  public static final String ADDRESS_PREFIX = "dbgateway.owner.";
  /** The address the forwarded operation was sent to, at its origin. */
  public static final String OPERATION_HEADER = "dbgateway-operation";
  private static final char SEPARATOR = '.';
  /** The failure of an operation whose owner left while it waited for the answer. */
  private static final String OWNER_LEFT = "the owner left";

  private final Vertx vertx;
  private final ApiKeys keys;
  private final ClusterManager members;
  private final String self;
  private final long sendTimeoutMs;
  /** Operations sent to each owner and not yet answered: failed at once if their owner leaves. */
  private final Map<String, Set<Waiting>> inFlight = new ConcurrentHashMap<>();

  /** An operation sent to an owner: its answer, completed on the context of the request that sent it. */
  private record Waiting(Context context, Promise<Message<JsonObject>> answer) {
    void ownerLeft() {
      context.runOnContext(v -> answer.tryFail(new ReplyException(ReplyFailure.NO_HANDLERS, OWNER_LEFT)));
    }
  }

  /**
   * @param members the cluster's membership: an instance's id is its member id there
   * @param sendTimeoutMs how long a forwarded operation may take: the bus reply timeout of every operation
   */
  public TransactionOwners(Vertx vertx, ApiKeys keys, ClusterManager members, long sendTimeoutMs) {
    this.vertx = vertx;
    this.keys = keys;
    this.members = members;
    this.sendTimeoutMs = sendTimeoutMs;
    this.self = members.getNodeId();
    HazelcastCluster.onMemberLeft(members, this::left);
  }

  /** The owner left: what was sent to it will never be answered, and its transactions are gone. */
  private void left(String owner) {
    Set<Waiting> waiting = inFlight.remove(owner);
    if (waiting != null) {
      waiting.forEach(Waiting::ownerLeft);
    }
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
    String txId = body.getString("txId");
    if (!members.getNodes().contains(owner)) {
      return Future.failedFuture(problemOf(new ReplyException(ReplyFailure.NO_HANDLERS, "no such member"), txId));
    }
    // Answered by the owner, or failed when the owner leaves before it answers (a bus request would wait
    // for its whole timeout); completed on this caller's context either way.
    Waiting sent = new Waiting(vertx.getOrCreateContext(), Promise.promise());
    Promise<Message<JsonObject>> answer = sent.answer();
    Set<Waiting> waiting = inFlight.computeIfAbsent(owner, o -> ConcurrentHashMap.newKeySet());
    waiting.add(sent);
    vertx.eventBus().<JsonObject>request(ADDRESS_PREFIX + owner, body, options).onComplete(answer::tryComplete,
        answer::tryFail);
    if (!members.getNodes().contains(owner)) {
      left(owner); // it left between the check and the registration
    }
    return answer.future().andThen(done -> waiting.remove(sent))
        .recover(failure -> Future.failedFuture(noHandlerWhileMember(failure, owner)
            ? new GatewayException(Failures.unavailable("the gateway instance that holds transaction " + txId
                + " is in the cluster but takes no operations now (it is joining, merging back or leaving); retry"))
            : problemOf(failure, txId)));
  }

  /**
   * Whether the owner had no address for operations while still a member: it is (re)joining or leaving,
   * not gone, so what it holds cannot be declared rolled back yet.
   */
  private boolean noHandlerWhileMember(Throwable failure, String owner) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
        && !OWNER_LEFT.equals(reply.getMessage()) && members.getNodes().contains(owner);
  }

  /** A failed hop as the caller's problem: the owner's own problem, or the owner gone. */
  private static GatewayException problemOf(Throwable failure, String txId) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return GatewayException.of(ErrorCode.NOT_FOUND, "transaction " + txId + " is gone: the gateway instance that"
          + " held it left the cluster, and its work was rolled back when its connection closed");
    }
    return failure instanceof GatewayException known ? known : new GatewayException(Problem.fromBus(failure));
  }
}
