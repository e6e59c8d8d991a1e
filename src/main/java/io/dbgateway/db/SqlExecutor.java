package io.dbgateway.db;

import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.Consistency;
import io.dbgateway.api.Limits;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.QueryResult;
import io.dbgateway.api.ResultFormat;
import io.dbgateway.api.Statement;
import io.dbgateway.api.TransactionRequest;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.dbgateway.idempotency.IdempotencyStore;
import io.dbgateway.resilience.RetryPolicy;
import io.dbgateway.resilience.RetrySafety.NotSentException;
import io.dbgateway.resilience.RetrySafety.OutcomeUnknownException;
import io.dbgateway.sql.ParsedStatement;
import io.dbgateway.sql.PlaceholderRewriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs the operations against one database node. Every operation is a unit: it runs under the node's
 * circuit breaker, is retried whole only when its failure proves it did not commit, and, with an
 * idempotency key, records its result in the same transaction as its work. Every failure leaves here as
 * a {@link GatewayException} that the dialect classified.
 */
public final class SqlExecutor {

  /** The result of a unit, and whether it was replayed from an idempotency key rather than run. */
  public record Outcome(JsonObject body, boolean replayed) {}

  private final Dialect dialect;
  private final NodeRouter router;
  private final NodeAccess nodes;
  private final RowJson json;
  private final IdempotencyStore idempotency;
  private final long poolWaitMs;

  public SqlExecutor(Dialect dialect, NodeRouter router, RetryPolicy retries, Duration poolWait) {
    this.dialect = dialect;
    this.router = router;
    this.nodes = new NodeAccess(dialect, router, retries, poolWait.toMillis());
    this.json = new RowJson(dialect);
    this.idempotency = new IdempotencyStore(dialect.syntax(), dialect.syncWaitPrefix());
    this.poolWaitMs = poolWait.toMillis();
  }

  /** How work reaches a node, shared with the other services on the same nodes (streaming). */
  NodeAccess nodes() {
    return nodes;
  }

  public Dialect dialect() {
    return dialect;
  }

  public NodeRouter router() {
    return router;
  }

  public Future<Outcome> query(QueryRequest request, IdempotencyKey key) {
    BoundStatement statement = prepare(request.statement(), null);
    Limits limits = request.limits();
    Unit unit = new Unit("query", request.readOnly(), request.consistency() == Consistency.STRONG,
        request.readOnly() || key != null, limits.timeoutMs(), key);
    long start = System.nanoTime();
    return run(unit, (conn, node) -> run(conn, node, statement, limits)
        .map(result -> result.withElapsedMs(elapsedMs(start)).toJson()));
  }

  /**
   * Runs one statement per parameter set in one transaction. The executions are issued together, so
   * drivers that pipeline (PostgreSQL) send them in one go; they still run in order.
   */
  public Future<Outcome> batch(BatchRequest request, IdempotencyKey key) {
    ParsedStatement parsed = PlaceholderRewriter.parse(request.sql(), dialect.syntax());
    List<Tuple> tuples = new ArrayList<>();
    for (int i = 0; i < request.paramSets().size(); i++) {
      tuples.add(BoundStatement.bind(dialect, parsed, request.paramSets().get(i), i));
    }
    long timeoutMs = request.limits().timeoutMs();
    Unit unit = new Unit("batch", request.readOnly(), false, true, timeoutMs * tuples.size(), key);
    long start = System.nanoTime();
    return run(unit, (conn, node) -> {
      List<Future<SqlResult<RowCollector.Rows>>> executions = new ArrayList<>();
      for (Tuple tuple : tuples) {
        executions.add(dialect.execute(conn, parsed.sql(), tuple, timeoutMs, RowCollector.atMost(0)));
      }
      return Future.join(executions).transform(done -> batchResult(executions))
          .map(json -> json.put("node", node).put("elapsedMs", elapsedMs(start)));
    });
  }

  public Future<Outcome> transaction(TransactionRequest request, IdempotencyKey key) {
    List<BoundStatement> statements = new ArrayList<>();
    for (int i = 0; i < request.statements().size(); i++) {
      statements.add(prepare(request.statements().get(i), i));
    }
    Limits limits = request.limits();
    Unit unit = new Unit("transaction", request.readOnly(), false, true, limits.timeoutMs() * statements.size(), key);
    long start = System.nanoTime();
    return run(unit, (conn, node) -> {
      JsonArray results = new JsonArray();
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < statements.size(); i++) {
        int index = i;
        chain = chain.compose(v -> run(conn, node, statements.get(index), limits)
            .recover(failure -> Future.failedFuture(atStatement(failure, index)))
            .map(result -> {
              results.add(result.toJson());
              return null;
            }));
      }
      return chain.map(v -> new JsonObject().put("results", results).put("node", node)
          .put("elapsedMs", elapsedMs(start)));
    });
  }

  /** Answers once the database responds to a trivial query. */
  public Future<Void> ping() {
    Route route;
    try {
      route = router.route(true, true);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return route.breaker().call(poolWaitMs, () -> route.connections().connection(false)
            .compose(conn -> conn.query("SELECT 1").execute().andThen(done -> conn.close())))
        .<Void>mapEmpty()
        .recover(nodes::fail);
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
    return writerConnection().compose(conn -> idempotency.sweep(conn, retention).andThen(done -> conn.close()));
  }

  /** A connection to the node that takes writes; lookups there see every acknowledged write. */
  private Future<SqlConnection> writerConnection() {
    try {
      return router.route(true, true).connections().connection(false);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * One unit of work: what it is called, whether the database must keep it read-only, whether a read
   * must see every acknowledged write, whether it runs in an explicit transaction, how long its
   * statements may run together, and its idempotency key.
   */
  private record Unit(String name, boolean readOnly, boolean strong, boolean transactional, long statementTimeMs,
      IdempotencyKey key) {}

  /** The work of a unit, given its connection and the name of the node it runs on. */
  private interface Work extends java.util.function.BiFunction<SqlConnection, String, Future<JsonObject>> {}

  private Future<Outcome> run(Unit unit, Work work) {
    // An idempotency key is recorded in the unit's transaction; a read-only one has nothing to protect.
    IdempotencyKey key = unit.readOnly() ? null : unit.key();
    return nodes.call(unit.name(), !unit.readOnly(), unit.strong(), unit.statementTimeMs(),
        route -> attempt(route, unit, key, work));
  }

  private Future<Outcome> attempt(Route route, Unit unit, IdempotencyKey key, Work work) {
    return nodes.borrow(route, unit.readOnly())
        .compose(conn -> {
          Future<Outcome> result;
          try {
            result = !unit.transactional()
                ? autocommit(conn, route.node(), work)
                : inTransaction(conn, route.node(), unit.readOnly(), key, work);
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          return result.andThen(done -> nodes.release(conn));
        })
        .recover(failure -> key != null && failure instanceof OutcomeUnknownException
            ? resolveUnknownOutcome(key, failure)
            : Future.failedFuture(failure));
  }

  /**
   * A single statement without a transaction: lost in flight, a write may or may not have happened. An
   * error the server sent back (MariaDB 1047, PostgreSQL 57P01, ...) is its answer: the statement failed.
   */
  private Future<Outcome> autocommit(SqlConnection conn, String node, Work work) {
    return work.apply(conn, node)
        .map(body -> new Outcome(body, false))
        .recover(failure -> Future.failedFuture(
            Failures.isDatabaseDown(failure) && !(failure instanceof io.vertx.sqlclient.DatabaseException)
                ? new OutcomeUnknownException(failure) : failure));
  }

  /**
   * Runs {@code work} in one transaction: commit on success, roll back on any failure. With a key, the
   * key is claimed first and the result recorded before COMMIT; a key claimed before answers its
   * recorded result instead.
   */
  private Future<Outcome> inTransaction(SqlConnection conn, String node, boolean readOnly, IdempotencyKey key,
      Work work) {
    Future<JsonObject> body = conn.query(dialect.beginTransaction(readOnly)).execute()
        .compose(begun -> key == null ? Future.succeededFuture() : claim(conn, key))
        .compose(claimed -> work.apply(conn, node))
        .compose(result -> key == null ? Future.succeededFuture(result)
            : idempotency.complete(conn, key, result).map(result));
    return body.transform(done -> {
      if (done.failed()) {
        Throwable failure = done.cause();
        Future<Outcome> rolledBack = conn.query("ROLLBACK").execute()
            .transform(r -> Future.failedFuture(lostBeforeCommit(failure)));
        return failure instanceof KeyAlreadyClaimed ? rolledBack.recover(f -> replay(conn, key, failure.getCause())) : rolledBack;
      }
      return conn.query("COMMIT").execute()
          .map(committed -> new Outcome(done.result(), false))
          .recover(failure -> Future.failedFuture(
              Failures.isCommitOutcomeUnknown(failure) ? new OutcomeUnknownException(failure) : failure));
    });
  }

  /** The connection went away before COMMIT was sent: the database rolled the transaction back. */
  private static Throwable lostBeforeCommit(Throwable failure) {
    return Failures.isDatabaseDown(failure) ? new NotSentException(failure) : failure;
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
    return idempotency.find(conn, key.key())
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
    return writerConnection()
        .compose(conn -> idempotency.find(conn, key.key()).andThen(done -> conn.close()))
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

  private BoundStatement prepare(Statement statement, Integer index) {
    return BoundStatement.of(dialect, statement, index);
  }

  private Future<QueryResult> run(SqlConnection conn, String node, BoundStatement statement, Limits limits) {
    return dialect.execute(conn, statement.sql(), statement.params(), limits.timeoutMs(),
            RowCollector.atMost(limits.maxRows()))
        .compose(result -> {
          List<ColumnDescriptor> columns = result.columnDescriptors() == null ? List.of() : result.columnDescriptors();
          return dialect.describe(statement.sql(), columns)
              .map(described -> toResult(result, described, limits.format(), node));
        });
  }

  private QueryResult toResult(SqlResult<RowCollector.Rows> result, List<ColumnDescriptor> descriptors,
      ResultFormat format, String node) {
    RowCollector.Rows rows = result.value();
    List<Object> jsonRows = new ArrayList<>(rows.kept().size());
    for (Row row : rows.kept()) {
      jsonRows.add(json.row(row, descriptors, format));
    }
    long updated = descriptors.isEmpty() ? result.rowCount() : 0;
    return new QueryResult(json.columns(descriptors), jsonRows, updated, dialect.generatedKeys(result), rows.truncated(),
        node, 0);
  }

  private Future<JsonObject> batchResult(List<Future<SqlResult<RowCollector.Rows>>> executions) {
    JsonArray updated = new JsonArray();
    JsonArray keys = new JsonArray();
    for (int i = 0; i < executions.size(); i++) {
      Future<SqlResult<RowCollector.Rows>> execution = executions.get(i);
      if (execution.failed()) {
        return Future.failedFuture(atStatement(execution.cause(), i));
      }
      updated.add(execution.result().rowCount());
      dialect.generatedKeys(execution.result()).forEach(keys::add);
    }
    return Future.succeededFuture(new JsonObject().put("updated", updated).put("generatedKeys", keys));
  }

  private Throwable atStatement(Throwable failure, int index) {
    return new GatewayException(dialect.classify(failure).withStatementIndex(index), failure);
  }

  private static double elapsedMs(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
  }
}
