package io.dbgateway.transaction;

import io.dbgateway.db.StatementRunner;
import io.dbgateway.db.NodeCalls;
import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.BeginRequest;
import io.dbgateway.api.Consistency;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.Target;
import io.dbgateway.auth.Caller;
import io.dbgateway.config.TransactionConfig;
import io.dbgateway.db.StatementRunner.Work;
import io.dbgateway.driver.Dialect;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.node.Access;
import io.dbgateway.node.NodeDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive transactions: begin holds a connection in a transaction and hands out its id; statements
 * that carry the id run on that connection; commit or rollback ends it. One instance serves every
 * database verticle of the process, so a transaction can be used through any of them. A transaction
 * lives in this process only. Its statements are never retried: a retry would need the statements
 * before it, which only the client has.
 */
public final class InteractiveTransactions {

  private static final Logger log = LoggerFactory.getLogger(InteractiveTransactions.class);
  private static final long SHUTDOWN_ROLLBACK_MS = 5_000;

  private final Vertx vertx;
  private final Dialect dialect;
  private final StatementRunner statements;
  private final NodeCalls nodes;
  private final TransactionConfig limits;
  private final TransactionRegistry registry;
  private final long poolWaitMs;
  private final long commitTimeoutMs;

  /**
   * @param statements how requests become statements, shared with the executor
   * @param nodes how work reaches a node, shared with the executor: a transaction begins on the node and
   *     under the breaker a unit of the same kind would use
   * @param commitTimeoutMs how long COMMIT may take before the node counts as not answering
   */
  public InteractiveTransactions(Vertx vertx, StatementRunner statements, NodeCalls nodes, TransactionConfig limits,
      Duration poolWait, long commitTimeoutMs) {
    this(vertx, statements, nodes, limits, poolWait, commitTimeoutMs, SharedTransactionCap.NONE);
  }

  /**
   * @param shared the count of each key's transactions beyond this process (the cluster's, in cluster mode)
   */
  public InteractiveTransactions(Vertx vertx, StatementRunner statements, NodeCalls nodes, TransactionConfig limits,
      Duration poolWait, long commitTimeoutMs, SharedTransactionCap shared) {
    this.vertx = vertx;
    this.dialect = statements.dialect();
    this.statements = statements;
    this.nodes = nodes;
    this.limits = limits;
    this.registry = new TransactionRegistry(limits, shared);
    this.poolWaitMs = poolWait.toMillis();
    this.commitTimeoutMs = commitTimeoutMs;
  }

  /**
   * Begins a transaction for {@code caller}, on the database it names (DB_NAME when none), on the node a
   * unit of the same kind would use: the writer for a read-write transaction (pinned for its whole life),
   * any eligible node for a read-only one unless it asks for strong consistency. A schema it names is
   * set right after BEGIN, and stays for the transaction.
   */
  public Future<JsonObject> begin(BeginRequest request, Caller caller) {
    java.util.function.Function<SqlConnection, Future<Void>> useSchema =
        statements.useSchema(request.target().schema(), request.target().databaseOr(nodes.mainDatabase()));
    registry.reserve(caller.keyId());
    boolean readOnly = request.readOnly();
    Context context = vertx.getOrCreateContext();
    // A connection that comes after the breaker gave up must not stay in a transaction.
    AtomicReference<Opened> opening = new AtomicReference<>();
    // A read-write transaction is pinned to the writer for its whole life.
    Access access = Access.of(readOnly, request.consistency() == Consistency.STRONG);
    // The key's cap across the cluster (in cluster mode); a refusal there has given the reservation back.
    return registry.reserveShared(caller.keyId()).compose(counted -> nodes.once(access, request.target().database(),
            poolWaitMs, nodeDb -> {
              Opened opened = new Opened(nodeDb, open(nodeDb, readOnly, useSchema));
              opening.set(opened);
              return opened.conn();
            })
        .map(conn -> {
          OpenTransaction tx = new OpenTransaction(registry.newId(), caller.keyId(), readOnly, opening.get().nodeDb(),
              conn, context, vertx, limits, dialect, registry);
          if (useSchema != null) {
            tx.sessionChanged();
          }
          registry.add(tx);
          tx.start();
          return new JsonObject().put("txId", tx.id());
        })
        .onFailure(failure -> {
          Opened late = opening.get();
          if (late != null) {
            late.conn().onSuccess(conn -> OpenTransaction.giveBack(late.nodeDb(), conn, readOnly, dialect, useSchema != null));
          }
          registry.release(caller.keyId());
        }));
  }

  /** The database on a node a transaction began on, and its connection to come. */
  private record Opened(NodeDatabase nodeDb, Future<SqlConnection> conn) {}

  /** A connection of {@code nodeDb} inside a fresh transaction, in the schema {@code useSchema} sets (if any). */
  private Future<SqlConnection> open(NodeDatabase nodeDb, boolean readOnly,
      java.util.function.Function<SqlConnection, Future<Void>> useSchema) {
    return nodeDb.pool(readOnly).transactionConnection(readOnly)
        .recover(failure -> Future.failedFuture(nodes.notSent(nodeDb, failure)))
        .compose(conn -> conn.query(dialect.beginTransaction(readOnly)).execute()
            .compose(begun -> useSchema == null ? Future.succeededFuture() : useSchema.apply(conn))
            .transform(begun -> begun.succeeded() ? Future.succeededFuture(conn)
                : OpenTransaction.giveBack(nodeDb, conn, readOnly, dialect, useSchema != null)
                    .transform(v -> Future.failedFuture(begun.cause()))));
  }

  public Future<JsonObject> query(QueryRequest request, Caller caller) {
    Work work = statements.query(request);
    OpenTransaction tx = find(request.txId(), caller, request.readOnly(), request.target());
    return statement(tx, inTarget(work, request.target(), tx), request.limits().timeoutMs());
  }

  public Future<JsonObject> batch(BatchRequest request, Caller caller) {
    Work work = statements.batch(request);
    OpenTransaction tx = find(request.txId(), caller, request.readOnly(), request.target());
    return statement(tx, inTarget(work, request.target(), tx),
        request.limits().timeoutMs() * request.paramSets().size());
  }

  /**
   * The caller's transaction {@code txId}, which a statement may join: it cannot ask for readOnly in a
   * read-write one, nor name another database than the one the transaction runs on.
   */
  private OpenTransaction find(String txId, Caller caller, boolean readOnly, Target target) {
    OpenTransaction tx = registry.find(txId, caller.keyId());
    if (readOnly && !tx.readOnly()) {
      throw GatewayException.badRequest("readOnly cannot be asked of one statement of a read-write transaction:"
          + " begin the transaction with readOnly instead");
    }
    if (target.database() != null && !target.database().equals(tx.nodeDb().database())) {
      throw GatewayException.badRequest("the transaction runs on database '" + tx.nodeDb().database() + "', not '"
          + target.database() + "': a transaction stays on the database it began on");
    }
    return tx;
  }

  /** A statement's work, in the schema it names, of the transaction's database. */
  private Work inTarget(Work work, Target target, OpenTransaction tx) {
    return statements.inSchema(work, target.schema(), tx.nodeDb().database());
  }

  /**
   * Runs {@code work} inside the transaction, under the node's breaker. A statement the database
   * rejects leaves the transaction open (on PostgreSQL it then accepts only a rollback).
   */
  private Future<JsonObject> statement(OpenTransaction tx, Work work, long timeMs) {
    NodeDatabase nodeDb = tx.nodeDb();
    return tx.statement(work.changesSession(), work.commitsImplicitly(), conn -> nodeDb.breaker().call(timeMs, () -> work.apply(conn, nodeDb)))
        .recover(statements::fail);
  }

  public Future<JsonObject> commit(String txId, Caller caller) {
    OpenTransaction tx = registry.find(txId, caller.keyId());
    NodeDatabase nodeDb = tx.nodeDb();
    return tx.commit(conn -> nodeDb.breaker().call(commitTimeoutMs, () -> tx.readOnly()
                ? conn.query(dialect.endTransaction(true, true)).execute().<Void>mapEmpty()
                : dialect.commit(conn, tx.committedImplicitly())),
            () -> new GatewayException(new Problem(ErrorCode.SQL_ERROR, "the transaction was aborted by a statement that"
                + " failed in it, so it was rolled back, not committed", "25P02", null, null, false, null)))
        .map(v -> ended(txId, "committed"))
        .recover(failure -> Failures.isCommitOutcomeUnknown(dialect.driver(), failure) && !(failure instanceof GatewayException)
            ? Future.failedFuture(new GatewayException(Failures.outcomeUnknown(dialect.classify(failure),
                "the connection to the database was lost while the transaction was committing, so whether it"
                    + " committed is unknown; check the data before running it again"), failure))
            : statements.fail(failure));
  }

  public Future<JsonObject> rollback(String txId, Caller caller) {
    return registry.find(txId, caller.keyId()).rollback().map(v -> ended(txId, "rolledBack"));
  }

  private static JsonObject ended(String txId, String status) {
    return new JsonObject().put("txId", txId).put("status", status);
  }

  /** The transactions open now, for the metrics. */
  public int openCount() {
    return registry.size();
  }

  /**
   * Rolls back every open transaction, at shutdown before the pools close, and waits a short while for
   * their connections to come back.
   */
  public Future<Void> rollbackAll() {
    return rollbackAll("before closing the pools", "was open when the gateway shut down");
  }

  /**
   * Rolls back every open transaction now, because {@code why} (logged), and waits a short while for their
   * connections to come back; their ids then answer 404.
   *
   * @param ended how each one's end is logged: "was open when ..."
   */
  public Future<Void> rollbackAll(String why, String ended) {
    List<OpenTransaction> open = registry.all();
    if (open.isEmpty()) {
      return Future.succeededFuture();
    }
    log.info("rolling back {} open interactive transaction(s) {}", open.size(), why);
    return Future.join(open.stream().map(tx -> tx.shutdown(ended)).toList())
        .timeout(SHUTDOWN_ROLLBACK_MS, TimeUnit.MILLISECONDS)
        .otherwiseEmpty()
        .mapEmpty();
  }
}
