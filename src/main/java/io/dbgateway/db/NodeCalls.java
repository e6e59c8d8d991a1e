package io.dbgateway.db;

import io.dbgateway.driver.Dialect;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.node.Access;
import io.dbgateway.node.LanedPool;
import io.dbgateway.node.NodeChooser;
import io.dbgateway.node.NodeDatabase;
import io.dbgateway.resilience.RetryPolicy;
import io.dbgateway.resilience.RetrySafety;
import io.dbgateway.resilience.RetrySafety.NotSentException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one way work reaches a database node, whatever the work (a unit of the executor, an interactive
 * transaction's BEGIN, a streamed query, a ping, an idempotency lookup): the chooser picks the node, the
 * work runs under that node's circuit breaker on a connection of its pools, and every failure leaves as
 * a {@link GatewayException} the dialect classified. A node that refuses work leaves routing at once.
 */
public final class NodeCalls {

  private final StatementRunner statements;
  private final Dialect dialect;
  private final NodeChooser chooser;
  private final RetryPolicy retries;
  private final long poolWaitMs;

  /** Whether the units have several nodes to go to (a Galera cluster), so a failed one may go to another. */
  public boolean severalNodes() {
    return chooser.nodes().size() > 1;
  }

  public NodeCalls(StatementRunner statements, NodeChooser chooser, RetryPolicy retries, java.time.Duration poolWait) {
    this.statements = statements;
    this.dialect = statements.dialect();
    this.chooser = chooser;
    this.retries = retries;
    this.poolWaitMs = poolWait.toMillis();
  }

  /** The deadline of a unit starting now: {@code timeoutMs} for its statements, after the wait for a connection. */
  public UnitDeadline deadline(long timeoutMs) {
    return UnitDeadline.start(timeoutMs, poolWaitMs);
  }

  /** Calls {@code listener} with the node's name each time the node that took writes is taken out of routing. */
  public void onWriterOut(java.util.function.Consumer<String> listener) {
    chooser.onWriterOut(listener);
  }

  /** Whether {@code node} is the node writes go to now (false once the writer moved off it). */
  public boolean writesTo(String node) {
    return chooser.writesTo(node);
  }

  /** {@code DB_NAME}: the database of units that name none. */
  public String mainDatabase() {
    return chooser.mainDatabase();
  }

  /**
   * Runs {@code attempt} on the node chosen for the work, under that node's breaker, within the unit's
   * deadline (and the breaker's grace); retries only while the deadline leaves time, and only when the
   * failure proves the work did not commit.
   *
   * @param access what the work needs of its node: a write, or a read as consistent as it asks
   * @param database the database the work names, or null for {@code DB_NAME}
   */
  public <T> Future<T> call(String name, Access access, String database, UnitDeadline deadline,
      Function<NodeDatabase, Future<T>> attempt) {
    return retries.run(name, () -> {
          // Each attempt chooses its node anew: a retry after a node refused work goes to another node.
          long left = deadline.remainingMs();
          return left <= 0 ? Future.failedFuture(deadline.expired()) : onChosenNode(access, database, left, attempt);
        },
        failure -> RetrySafety.notCommitted(dialect.driver(), failure))
        .recover(statements::fail);
  }

  /**
   * Runs {@code attempt} once (never retried) on the node chosen for the work, under its breaker, which
   * gives up after {@code timeMs}.
   */
  public <T> Future<T> once(Access access, String database, long timeMs, Function<NodeDatabase, Future<T>> attempt) {
    return onChosenNode(access, database, timeMs, attempt).recover(statements::fail);
  }

  private <T> Future<T> onChosenNode(Access access, String database, long timeMs,
      Function<NodeDatabase, Future<T>> attempt) {
    NodeDatabase nodeDb;
    try {
      nodeDb = chooser.choose(access, database);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return onNode(nodeDb, timeMs, () -> attempt.apply(nodeDb));
  }

  /** Answers once the node that takes writes responds to a trivial query, within the pool's wait. */
  public Future<Void> ping() {
    return once(Access.WRITE, null, poolWaitMs, nodeDb -> {
      LanedPool source = nodeDb.connections();
      return source.connection(false)
          .compose(conn -> conn.query("SELECT 1").execute().andThen(done -> source.giveBack(conn)));
    }).mapEmpty();
  }

  /**
   * Runs {@code work} on a connection to the node that takes writes, where lookups see every acknowledged
   * write; outside the breaker (housekeeping such as a sweep may take long, and is not a unit of a caller).
   */
  public <T> Future<T> onWriter(Function<SqlConnection, Future<T>> work) {
    LanedPool source;
    try {
      source = chooser.choose(Access.WRITE).connections();
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return source.connection(false).compose(conn -> work.apply(conn).andThen(done -> source.giveBack(conn)));
  }

  /**
   * Runs {@code call} under the node database's breaker; a node that refused the work, or that refused or reset its
   * connection, leaves routing at once.
   */
  public <T> Future<T> onNode(NodeDatabase nodeDb, long timeMs, java.util.function.Supplier<Future<T>> call) {
    return nodeDb.breaker().call(timeMs, call)
        .andThen(done -> {
          if (done.failed() && (Failures.isNodeNotReady(dialect.driver(), done.cause())
              || Failures.isNodeUnreachable(done.cause()))) {
            chooser.refused(nodeDb.node(), "live traffic: " + done.cause().getMessage());
          }
        });
  }

  /**
   * A connection to the node database, lent until {@link #release}. Failing to get one sent nothing, except that
   * a pool at capacity answers its own 503 ({@link LanedPool}), which is not retried.
   */
  public Future<SqlConnection> borrow(NodeDatabase nodeDb, boolean readOnly) {
    return nodeDb.pool(readOnly).connection(readOnly).recover(failure -> Future.failedFuture(notSent(nodeDb, failure)));
  }

  /**
   * Why no connection of {@code nodeDb} could be had: nothing was sent. A database of
   * {@code GATEWAY_DATABASES} that does not exist is the request's 404, never retried, and never a failure
   * of the node (it has a breaker of its own anyway: {@link Node}).
   */
  public Throwable notSent(NodeDatabase nodeDb, Throwable failure) {
    if (failure instanceof GatewayException) {
      return failure;
    }
    if (!nodeDb.database().equals(chooser.mainDatabase()) && dialect.isUnknownDatabase(failure)) {
      return new GatewayException(Problem.of(ErrorCode.NOT_FOUND, "database '" + nodeDb.database() + "' does not exist"
          + " on " + nodeDb.node() + " (or cannot be opened there): create it, or take it out of GATEWAY_DATABASES"),
          failure);
    }
    return new NotSentException(failure);
  }

  /** Gives the connection back; a session the work may have changed is reset first. */
  public void release(NodeDatabase nodeDb, SqlConnection conn, boolean sessionChanged) {
    nodeDb.giveBack(conn, sessionChanged);
  }

  /**
   * Stops the statement running on {@code conn}: the server cancels it, and if the cancel cannot be sent
   * the connection is closed, which ends the statement too. Never left to session settings a caller
   * could have changed.
   */
  public void stop(NodeDatabase nodeDb, SqlConnection conn) {
    dialect.cancel(conn).onFailure(failure -> nodeDb.discard(conn));
  }

  /** Asks the database to stop every statement still running on a borrowed connection. */
  public Future<Void> cancelInFlight() {
    List<Future<Void>> cancels = new ArrayList<>();
    for (NodeDatabase nodeDb : chooser.openedDatabases()) {
      for (SqlConnection conn : nodeDb.runningWork()) {
        cancels.add(dialect.cancel(conn).recover(failure -> nodeDb.discard(conn)).otherwiseEmpty());
      }
    }
    return Future.join(cancels).mapEmpty();
  }
}
