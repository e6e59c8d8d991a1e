package io.dbgateway.transaction;

import io.dbgateway.config.TransactionConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interactive transactions open in this gateway process, shared by every database verticle (a
 * request may reach any of them), and the caps on how many there may be.
 */
final class TransactionRegistry {

  private static final int ID_BYTES = 16;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, OpenTransaction> open = new ConcurrentHashMap<>();
  private final int maxOpen;
  private final int maxOpenPerKey;
  /** Transactions counted against the caps, from begin until their connection is back in the pool. */
  private final Map<String, Integer> heldByKey = new HashMap<>();
  private int held;
  /** The cluster's count of each key's transactions (none for a single instance). */
  private final SharedTransactionCap shared;

  TransactionRegistry(TransactionConfig config, SharedTransactionCap shared) {
    this.maxOpen = config.maxOpen();
    this.maxOpenPerKey = config.maxOpenPerKey();
    this.shared = shared;
  }

  /** An unguessable id: 128 random bits. */
  String newId() {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Counts a transaction about to begin for {@code owner}.
   *
   * @throws GatewayException 503 when the process holds its most, 429 when the key does
   */
  synchronized void reserve(String owner) {
    if (held >= maxOpen) {
      throw new GatewayException(Failures.unavailable("the gateway already holds its most interactive transactions ("
          + maxOpen + ", GATEWAY_TX_MAX_OPEN); commit or roll back one, or wait for one to time out"));
    }
    if (heldByKey.getOrDefault(owner, 0) >= maxOpenPerKey) {
      throw new GatewayException(Problem.of(ErrorCode.RATE_LIMITED, "the key '" + owner + "' already holds its most"
          + " interactive transactions (" + maxOpenPerKey + ", GATEWAY_TX_MAX_OPEN_PER_KEY); commit or roll back one"
          + " first").withRetryAfter(Failures.RETRY_AFTER_SECONDS));
    }
    held++;
    heldByKey.merge(owner, 1, Integer::sum);
  }

  /**
   * Counts the transaction {@link #reserve reserved} for {@code owner} in the shared count too (in cluster
   * mode, the cluster's cap on each key); if that refuses, the reservation is given back.
   */
  io.vertx.core.Future<Void> reserveShared(String owner) {
    return shared.acquire(owner).onFailure(refused -> releaseLocal(owner));
  }

  /** The transaction of {@code owner}, counted here and in the shared count, has given its connection back. */
  void release(String owner) {
    releaseLocal(owner);
    shared.release(owner);
  }

  /** A transaction {@link #reserve reserved} but never counted in the shared count ends. */
  synchronized void releaseLocal(String owner) {
    held--;
    heldByKey.computeIfPresent(owner, (key, count) -> count == 1 ? null : count - 1);
  }

  void add(OpenTransaction tx) {
    open.put(tx.id(), tx);
  }

  /**
   * The open transaction {@code id} of {@code owner}. Another key's transaction is answered exactly as
   * an unknown one, so ids cannot be probed.
   *
   * @throws GatewayException 404 when there is none
   */
  OpenTransaction find(String id, String owner) {
    OpenTransaction tx = open.get(id);
    if (tx == null || !tx.owner().equals(owner)) {
      throw notFound(id);
    }
    return tx;
  }

  void remove(OpenTransaction tx) {
    open.remove(tx.id(), tx);
  }

  List<OpenTransaction> all() {
    return List.copyOf(open.values());
  }

  int size() {
    return open.size();
  }

  static GatewayException notFound(String id) {
    return GatewayException.of(ErrorCode.NOT_FOUND, "no open transaction '" + id + "': it was committed, rolled back"
        + " or timed out, or it was begun by another key or on another gateway instance");
  }
}
