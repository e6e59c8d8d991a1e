package io.dbgateway.db;

import io.dbgateway.error.Causes;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.NoEligibleNodeException;
import io.dbgateway.node.NodeDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.sqlclient.SqlConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a write that carries an idempotency key when its node failed under it, instead of answering 503:
 * the unit runs again, on whatever node is the writer by then, until it succeeds or its deadline leaves no
 * time. Running it again is safe whatever happened to the first attempt, because the key is claimed in the
 * unit's own transaction: if the first attempt committed, the claim collides and the recorded result is
 * answered ({@code Idempotent-Replayed}); if it did not, the unit runs once. Only failures of the node (503
 * {@code UNAVAILABLE}: the node is gone, its breaker is open, an outcome that could not be resolved yet, no
 * writer agreed for a moment in cluster mode, no writer for the few polls a cluster takes to re-form) are
 * settled this way. Not settled: no node of the cluster eligible past those polls (a lost quorum answers a
 * fast 503, never a wait), a full wait queue (load), and every answer of the database itself. An unkeyed
 * write keeps its 503.
 *
 * <p>A node cut off by the network fails nothing: its connections neither answer nor reset. So each keyed
 * write's connection is {@linkplain #watch watched} while its unit runs, and when the monitor takes the
 * writer out, the connections of keyed writes still running on it are closed: a unit whose COMMIT was not
 * sent rolls back (the node never gets COMMIT) and runs again on the new writer; one whose COMMIT was on its
 * way learns its outcome from its key, read on the new writer. No duplicate either way, for the reason above.
 */
final class KeyedFailover {

  private static final Logger log = LoggerFactory.getLogger(KeyedFailover.class);

  /** The first pause before a unit runs again; each later pause doubles, up to {@link #MAX_PAUSE_MS}. */
  static final long FIRST_PAUSE_MS = 100;
  static final long MAX_PAUSE_MS = 1_000;

  private final Vertx vertx;
  private final NodeCalls nodes;
  /** The connections of keyed units running now, and the node database each one is on. */
  private final Map<SqlConnection, NodeDatabase> running = new ConcurrentHashMap<>();

  KeyedFailover(Vertx vertx, NodeCalls nodes) {
    this.vertx = vertx;
    this.nodes = nodes;
    nodes.onWriterOut(node -> vertx.runOnContext(v -> giveUp(node)));
  }

  /**
   * Watches {@code conn}, on which a keyed unit runs, until {@code work} completes. A unit whose node was
   * taken out between its routing and now (the writer moved while it waited for its connection) is given
   * up at once: the taking out has already told the units it knew of.
   */
  void watch(NodeDatabase nodeDb, SqlConnection conn, Future<?> work) {
    running.put(conn, nodeDb);
    work.onComplete(done -> running.remove(conn));
    if (!nodes.writesTo(nodeDb.node()) && running.containsKey(conn)) {
      log.info("the writer {} was taken out while a keyed write waited for its connection: it is settled on the"
          + " new writer", nodeDb.node());
      nodeDb.discard(conn);
    }
  }

  /** The writer {@code node} was taken out: the keyed units still running on it will not be answered there. */
  private void giveUp(String node) {
    running.forEach((conn, nodeDb) -> {
      if (nodeDb.node().equals(node)) {
        log.info("the writer {} was taken out under a keyed write: its connection is closed, and the write"
            + " settled on the new writer", node);
        nodeDb.discard(conn);
      }
    });
  }

  /** Runs {@code unit}, and again after each failure that settling covers, while {@code deadline} leaves time. */
  <T> Future<T> settle(String name, UnitDeadline deadline, Supplier<Future<T>> unit) {
    return again(name, deadline, unit, unit.get(), FIRST_PAUSE_MS, 1);
  }

  private <T> Future<T> again(String name, UnitDeadline deadline, Supplier<Future<T>> unit, Future<T> attempt,
      long pause, int round) {
    return attempt.recover(failure -> {
      if (!settles(failure) || deadline.remainingMs() <= pause) {
        return Future.failedFuture(failure);
      }
      log.info("keyed {} failed on its node ({}); running it again in {} ms (round {}), within its deadline", name,
          failure.getMessage(), pause, round + 1);
      return vertx.timer(pause).compose(fired -> again(name, deadline, unit, unit.get(),
          Math.min(MAX_PAUSE_MS, pause * 2), round + 1));
    });
  }

  /** Whether {@code failure} is the node's or routing's 503, not load and not the database's answer. */
  static boolean settles(Throwable failure) {
    if (!(failure instanceof GatewayException gateway) || gateway.code() != ErrorCode.UNAVAILABLE) {
      return false;
    }
    for (Throwable t : Causes.chain(failure)) {
      if (t instanceof ConnectionPoolTooBusyException || t instanceof NoEligibleNodeException) {
        return false;
      }
    }
    return true;
  }
}
