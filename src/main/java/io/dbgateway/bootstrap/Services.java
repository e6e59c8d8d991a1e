package io.dbgateway.bootstrap;

import io.dbgateway.cluster.TransactionOwners;
import io.dbgateway.db.NodeCalls;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.operations.Operations;
import io.dbgateway.stream.QueryStreamer;
import io.dbgateway.transaction.InteractiveTransactions;
import io.vertx.core.Future;

/**
 * What the composition root built on the database, passed along start-up and stopped in order at shutdown.
 *
 * @param owners in cluster mode, which instance owns each interactive transaction; null otherwise
 */
record Services(Database database, NodeCalls nodes, SqlExecutor executor, InteractiveTransactions transactions,
    QueryStreamer streamer, Operations operations, TransactionOwners owners) {

  /**
   * Stops what still runs, in order. HTTP has drained by now, and the Galera verticle stopped (children stop
   * first): open transactions roll back, then every statement still running is cancelled, then the pools close.
   */
  Future<Void> stop() {
    return transactions.rollbackAll()
        .transform(done -> nodes.cancelInFlight())
        .transform(done -> database.chooser().close());
  }
}
