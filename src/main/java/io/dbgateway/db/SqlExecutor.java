package io.dbgateway.db;

import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.Consistency;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.Target;
import io.dbgateway.api.TransactionRequest;
import io.dbgateway.db.StatementRunner.Work;
import io.dbgateway.driver.Dialect;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.dbgateway.idempotency.IdempotencyStore;
import io.dbgateway.node.Access;
import io.dbgateway.node.NodeDatabase;
import io.dbgateway.resilience.RetrySafety.NotSentException;
import io.dbgateway.resilience.RetrySafety.OutcomeUnknownException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the operations against one database node. Every operation is a unit: it runs under the node's
 * circuit breaker, is retried whole only when its failure proves it did not commit, and, with an
 * idempotency key, records its result in the same transaction as its work. Every failure leaves here as
 * a {@link GatewayException} that the dialect classified.
 */
public final class SqlExecutor {

  /** The result of a unit, and whether it was replayed from an idempotency key rather than run. */
  public record Outcome(JsonObject body, boolean replayed) {}

  private final io.vertx.core.Vertx vertx;
  private final Dialect dialect;
  private final StatementRunner statements;
  private final NodeCalls nodes;
  private final IdempotencyStore idempotency;
  /** On a cluster of nodes (Galera): keyed writes whose node failed run again on the next writer. Else null. */
  private final KeyedFailover keyedFailover;

  /**
   * @param statements how requests become statements, and failures problems
   * @param nodes how units reach their node; shared with the other services on the same nodes
   */
  public SqlExecutor(io.vertx.core.Vertx vertx, StatementRunner statements, NodeCalls nodes) {
    this.vertx = vertx;
    this.dialect = statements.dialect();
    this.statements = statements;
    this.nodes = nodes;
    this.idempotency = new IdempotencyStore(dialect.syntax(), dialect.syncWaitPrefix());
    this.keyedFailover = nodes.severalNodes() ? new KeyedFailover(vertx, nodes) : null;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Future<Outcome> query(QueryRequest request, IdempotencyKey key) {
    Work work = inTarget(statements.query(request), request.target());
    // In a transaction of its own when the database must keep it read-only, or its key is recorded with it.
    Unit unit = request.readOnly() || key != null
        ? Unit.inTransaction("query", request.readOnly(), request.consistency(), request.limits().timeoutMs(),
            request.target(), key)
        : Unit.autocommit("query", request.limits().timeoutMs(), request.target());
    return run(unit, work);
  }

  /** Runs one statement per parameter set in one transaction. */
  public Future<Outcome> batch(BatchRequest request, IdempotencyKey key) {
    Work work = inTarget(statements.batch(request), request.target());
    Unit unit = Unit.inTransaction("batch", request.readOnly(), Consistency.EVENTUAL, request.limits().timeoutMs(),
        request.target(), key);
    return run(unit, work);
  }

  public Future<Outcome> transaction(TransactionRequest request, IdempotencyKey key) {
    Work work = inTarget(statements.transaction(request), request.target());
    Unit unit = Unit.inTransaction("transaction", request.readOnly(), Consistency.EVENTUAL,
        request.limits().timeoutMs(), request.target(), key);
    return run(unit, work);
  }

  /** The work in the schema its request names, on the database it names (or DB_NAME). */
  private Work inTarget(Work work, Target target) {
    return statements.inSchema(work, target.schema(), target.databaseOr(nodes.mainDatabase()));
  }

  /** Answers once the database responds to a trivial query. */
  public Future<Void> ping() {
    return nodes.ping();
  }

  /**
   * Asks the database to stop every statement still running, at shutdown: their transactions roll back
   * now, and the pools can close without waiting for them.
   */
  public Future<Void> cancelInFlight() {
    return nodes.cancelInFlight();
  }

  /** Forgets idempotency keys older than {@code retention}. */
  public Future<Integer> sweepIdempotencyKeys(Duration retention) {
    return nodes.onWriter(conn -> idempotency.sweep(conn, retention));
  }

  /**
   * One unit of work: what it is called, whether the database must keep it read-only, what it needs of
   * its node, whether it runs in an explicit transaction, how long its statements may run together (the
   * request's {@code timeoutMs}: for the whole unit, however many statements it has), the database it runs
   * on (null: DB_NAME), and its idempotency key.
   */
  private record Unit(String name, boolean readOnly, Access access, boolean transactional, long timeoutMs,
      String database, IdempotencyKey key) {

    /** One statement, committed by the database as it runs (it may write). */
    static Unit autocommit(String name, long timeoutMs, Target target) {
      return new Unit(name, false, Access.WRITE, false, timeoutMs, target.database(), null);
    }

    /** Statements in one explicit transaction, read-only ones on a node as consistent as asked. */
    static Unit inTransaction(String name, boolean readOnly, Consistency consistency, long timeoutMs, Target target,
        IdempotencyKey key) {
      return new Unit(name, readOnly, Access.of(readOnly, consistency == Consistency.STRONG), true, timeoutMs,
          target.database(), key);
    }
  }

  private Future<Outcome> run(Unit unit, Work work) {
    // An idempotency key is recorded in the unit's transaction; a read-only one has nothing to protect.
    IdempotencyKey key = unit.readOnly() ? null : unit.key();
    UnitDeadline deadline = nodes.deadline(unit.timeoutMs());
    java.util.function.Supplier<Future<Outcome>> call = () -> nodes.call(unit.name(), unit.access(),
        unit.database(), deadline, nodeDb -> attempt(nodeDb, unit, key, work, deadline));
    // A keyed write whose node failed is settled here, on the next writer, rather than answered 503.
    return key == null || keyedFailover == null ? call.get() : keyedFailover.settle(unit.name(), deadline, call);
  }

  private Future<Outcome> attempt(NodeDatabase nodeDb, Unit unit, IdempotencyKey key, Work work, UnitDeadline deadline) {
    return nodes.borrow(nodeDb, unit.readOnly())
        .compose(conn -> {
          if (!unit.transactional()) {
            // One statement: the database's own statement timeout ends it, and its outcome is its answer.
            // Should it run past the unit's deadline anyway (a caller turned the session's timeout off), the
            // gateway cancels it on the server then: its deadlines never depend on session settings.
            Future<Outcome> result = run(() -> autocommit(conn, nodeDb, work));
            deadline.cancelOnOverrun(vertx, result, () -> nodes.stop(nodeDb, conn));
            return result.andThen(done -> nodes.release(nodeDb, conn, work.changesSession()));
          }
          UnitDeadline.Watch watch = deadline.watch(vertx, () -> nodes.stop(nodeDb, conn));
          // A transaction whose end failed may have left its session in the transaction's settings
          // (MySQL's autocommit off on Galera): the session is reset before the connection is lent again.
          AtomicBoolean endFailed = new AtomicBoolean();
          Future<Outcome> result = run(() -> inTransaction(conn, nodeDb, unit.readOnly(), key, work, watch, endFailed));
          if (key != null && keyedFailover != null) {
            // Given up (its connection closed) if the monitor takes its node out while it runs: a cut-off
            // node would never answer it.
            keyedFailover.watch(nodeDb, conn, result);
          }
          // The connection goes back once the work has truly ended (rolled back, after a deadline).
          result.onComplete(done -> nodes.release(nodeDb, conn, work.changesSession() || endFailed.get()));
          return watch.untilDeadline(result);
        })
        .recover(failure -> key != null && failure instanceof OutcomeUnknownException
            ? resolveUnknownOutcome(key, failure)
            : Future.failedFuture(failure));
  }

  private static Future<Outcome> run(java.util.function.Supplier<Future<Outcome>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A single statement without a transaction: lost in flight, a write may or may not have happened. An
   * error the server sent back (MariaDB 1047, PostgreSQL 57P01, ...) is its answer: the statement failed.
   */
  private Future<Outcome> autocommit(SqlConnection conn, NodeDatabase nodeDb, Work work) {
    return work.apply(conn, nodeDb)
        .map(body -> new Outcome(body, false))
        .recover(failure -> Future.failedFuture(
            Failures.isDatabaseDown(dialect.driver(), failure) && !(failure instanceof io.vertx.sqlclient.DatabaseException)
                ? new OutcomeUnknownException(failure) : failure));
  }

  /**
   * Runs {@code work} in one transaction: commit on success, roll back on any failure. With a key, the
   * key is claimed first and the result recorded before COMMIT; a key claimed before answers its
   * recorded result instead.
   */
  private Future<Outcome> inTransaction(SqlConnection conn, NodeDatabase nodeDb, boolean readOnly, IdempotencyKey key,
      Work work, UnitDeadline.Watch deadline, AtomicBoolean endFailed) {
    Future<JsonObject> body = conn.query(dialect.beginTransaction(readOnly)).execute()
        .compose(begun -> key == null ? Future.succeededFuture() : claim(conn, key))
        .compose(claimed -> work.apply(conn, nodeDb))
        .compose(result -> key == null ? Future.succeededFuture(result)
            : idempotency.complete(conn, key, result).map(result));
    return body.transform(done -> {
      if (done.failed()) {
        Throwable failure = done.cause();
        Future<Outcome> rolledBack = conn.query(dialect.endTransaction(readOnly, false)).execute()
            .onFailure(f -> endFailed.set(true))
            .transform(r -> Future.failedFuture(lostBeforeCommit(failure)));
        return failure instanceof KeyAlreadyClaimed ? rolledBack.recover(f -> replay(conn, key, failure.getCause())) : rolledBack;
      }
      if (!deadline.mayCommit()) {
        // Past the deadline: the caller has its 504 already, and this transaction must not commit.
        return conn.query(dialect.endTransaction(readOnly, false)).execute()
            .onFailure(f -> endFailed.set(true))
            .transform(r -> Future.<Outcome>failedFuture(deadline.expired()));
      }
      Future<Void> committed = readOnly ? conn.query(dialect.endTransaction(true, true)).execute().mapEmpty()
          : dialect.commit(conn, work.commitsImplicitly());
      return committed
          .onFailure(f -> endFailed.set(true))
          .map(v -> new Outcome(done.result(), false))
          .recover(failure -> Future.failedFuture(
              Failures.isCommitOutcomeUnknown(dialect.driver(), failure) ? new OutcomeUnknownException(failure) : failure));
    });
  }

  /** The connection went away before COMMIT was sent: the database rolled the transaction back. */
  private Throwable lostBeforeCommit(Throwable failure) {
    return Failures.isDatabaseDown(dialect.driver(), failure) ? new NotSentException(failure) : failure;
  }

  /** Claims the key; a unique violation means another request claimed it first. */
  private Future<Void> claim(SqlConnection conn, IdempotencyKey key) {
    return idempotency.claim(conn, key).recover(failure -> {
      Problem problem = dialect.classify(failure);
      boolean taken = problem.code() == io.dbgateway.error.ErrorCode.CONFLICT && !problem.retryable();
      return Future.failedFuture(taken ? new KeyAlreadyClaimed(failure) : failure);
    });
  }

  private static final class KeyAlreadyClaimed extends RuntimeException {
    KeyAlreadyClaimed(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /**
   * The key's claim collided: answer what was recorded for it, or the original failure if nothing was.
   * It reads on the unit's own connection, rolled back by now: taking a second one while holding this
   * one could wait forever (SQLite has a single writer connection; a busy pool has none to spare).
   */
  private Future<Outcome> replay(SqlConnection conn, IdempotencyKey key, Throwable claimFailure) {
    return idempotency.find(conn, key)
        .compose(recorded -> {
          if (recorded == null || recorded.response() == null) {
            return Future.failedFuture(claimFailure);
          }
          if (!recorded.requestHash().equals(key.requestHash()) || !recorded.operation().equals(key.operation())) {
            return Future.failedFuture(key.mismatch());
          }
          return Future.succeededFuture(new Outcome(recorded.response(), true));
        });
  }

  /**
   * The connection was lost around COMMIT. The key's row commits with the work, so finding it tells
   * whether the work committed: if it did, answer its result; if not, the unit is safe to run again.
   */
  private Future<Outcome> resolveUnknownOutcome(IdempotencyKey key, Throwable unknown) {
    return nodes.onWriter(conn -> idempotency.find(conn, key))
        .transform(found -> {
          if (found.failed()) {
            return Future.failedFuture(unknown);
          }
          if (found.result() == null) {
            return Future.failedFuture(new NotSentException(unknown));
          }
          return Future.succeededFuture(new Outcome(found.result().response(), true));
        });
  }
}
