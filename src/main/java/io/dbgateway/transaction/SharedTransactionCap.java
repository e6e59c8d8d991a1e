package io.dbgateway.transaction;

import io.vertx.core.Future;

/**
 * A count of each key's open interactive transactions kept beyond this process: in cluster mode, the
 * cluster's ({@code cluster.ClusterTransactionCap}), so that {@code GATEWAY_TX_MAX_OPEN_PER_KEY} holds for
 * the whole cluster. Touched only when a transaction begins and when it ends, never by other requests.
 */
public interface SharedTransactionCap {

  /** No shared count: a single instance counts its own transactions only (TransactionRegistry). */
  SharedTransactionCap NONE = new SharedTransactionCap() {
    private final Future<Void> admitted = Future.succeededFuture();

    @Override
    public Future<Void> acquire(String key) {
      return admitted;
    }

    @Override
    public void release(String key) {}
  };

  /**
   * Counts one more transaction of {@code key}.
   *
   * @return failed with a GatewayException: 429 when the key holds its most, 503 when the count cannot be
   *     reached in time
   */
  Future<Void> acquire(String key);

  /** One transaction of {@code key} counted by {@link #acquire} has ended. */
  void release(String key);
}
