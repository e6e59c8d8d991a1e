package io.dbgateway.operations;

import io.dbgateway.api.Addresses;
import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.RoleRules;
import io.dbgateway.cluster.TransactionOwners;
import io.dbgateway.transaction.InteractiveTransactions;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.db.SqlExecutor.Outcome;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.named.NamedQueries;
import io.dbgateway.named.NamedQuery;
import io.dbgateway.sql.ReadOnlyGuard;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one operation does, whichever adapter it came from (HTTP {@code /v1}, the Data API, the
 * NDJSON stream, the event bus, the TCP bridge): the caller's role rules, the read-only guard, request
 * parsing, idempotency keys, the metrics, and the mapping of every failure to one {@link Problem}.
 *
 * <p>Adapters call it directly, on the event loop that took the request: an HTTP request never crosses
 * the event bus. Its log context (request id, key id) is the adapter's to set before calling.
 */
public final class Operations {

  private static final Logger log = LoggerFactory.getLogger(Operations.class);

  private final SqlExecutor executor;
  private final RequestParser parser;
  /** What a READ caller may not send, on this engine. */
  private final ReadOnlyGuard guard;
  private final InteractiveTransactions transactions;
  private final NamedQueries namedQueries;
  private final GatewayMetrics metrics;
  private final String engine;
  private final Map<String, Operation> byAddress;

  /** An operation on a request's admitted body, for the caller that sent it. */
  private interface Operation extends BiFunction<JsonObject, Caller, Future<Outcome>> {}

  /** In cluster mode, which instance owns each interactive transaction; null for a single instance. */
  private final TransactionOwners owners;

  public Operations(SqlExecutor executor, RequestParser parser, InteractiveTransactions transactions,
      NamedQueries namedQueries, GatewayMetrics metrics) {
    this(executor, parser, transactions, namedQueries, metrics, null);
  }

  /** @param owners in cluster mode, where each interactive transaction lives (docs/cluster.md); else null */
  public Operations(SqlExecutor executor, RequestParser parser, InteractiveTransactions transactions,
      NamedQueries namedQueries, GatewayMetrics metrics, TransactionOwners owners) {
    this.owners = owners;
    this.executor = executor;
    this.parser = parser;
    this.guard = new ReadOnlyGuard(executor.dialect().syntax(), executor.dialect().readOnlyRefused(),
        executor.dialect().readOnlyRefusedAnywhere());
    this.transactions = transactions;
    this.namedQueries = namedQueries;
    this.metrics = metrics;
    this.engine = executor.dialect().type().id();
    this.byAddress = Map.of(
        Addresses.QUERY, (body, caller) -> query(parser.query(body), "query", body, caller),
        Addresses.BATCH, this::batch,
        Addresses.TRANSACTION, (body, caller) ->
            executor.transaction(parser.transaction(body), IdempotencyKey.from("transaction", body, scope(caller))),
        Addresses.TX_BEGIN, (body, caller) -> replied(transactions.begin(parser.begin(body), caller)),
        Addresses.TX_COMMIT, (body, caller) -> replied(transactions.commit(parser.endingTxId(body), caller)),
        Addresses.TX_ROLLBACK, (body, caller) -> replied(transactions.rollback(parser.endingTxId(body), caller)),
        Addresses.NAMED, this::named,
        Addresses.PING, (body, caller) -> replied(executor.ping().map(new JsonObject())));
  }

  /**
   * How long a caller on the event bus waits for a reply: longer than any unit may run (its longest
   * timeout, the wait for a connection, and the breaker's grace), so the server side always ends first.
   */
  public static long busReplyTimeoutMs(io.dbgateway.config.GatewayConfig config) {
    return config.query().maxTimeoutMs() + config.pool().waitTimeout().toMillis()
        + config.resilience().breakerCallGrace().toMillis() + 5_000;
  }

  /** The addresses served, each the event-bus address of one operation. */
  public java.util.Set<String> addresses() {
    return byAddress.keySet();
  }

  /**
   * Runs the operation at {@code address} for {@code caller}, within what the caller's role allows: a READ
   * caller's work is forced read-only, a NAMED caller may only run named queries. A failure is always a
   * {@link GatewayException} whose problem is already worded for the caller.
   */
  public Future<Outcome> run(String address, JsonObject body, Caller caller) {
    long start = System.nanoTime();
    Future<Outcome> result;
    try {
      Operation operation = address == null ? null : byAddress.get(address);
      if (operation == null) {
        throw new GatewayException(Problem.of(ErrorCode.NOT_FOUND, "no such operation: " + address));
      }
      JsonObject admitted = admit(address, body, caller);
      result = owners == null ? operation.apply(admitted, caller) : inCluster(operation, address, admitted, caller);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return finish(address, caller, start, result);
  }

  /**
   * An operation in cluster mode: one on another instance's transaction goes to that instance; one on
   * this instance's runs here on the id it keeps, and the ids it answers are the cluster's.
   */
  private Future<Outcome> inCluster(Operation operation, String address, JsonObject body, Caller caller) {
    String txId = body.getValue("txId") instanceof String id ? id : null;
    String owner = txId == null ? null : owners.ownerOf(txId);
    if (owner != null) {
      return owners.forward(owner, address, body, caller).map(reply -> new Outcome(reply.body(),
          "true".equals(reply.headers().get(Addresses.REPLAYED_HEADER))));
    }
    JsonObject local = txId == null ? body : body.copy().put("txId", owners.localId(txId));
    return operation.apply(local, caller).map(outcome -> outcome.body().getValue("txId") instanceof String id
        ? new Outcome(outcome.body().copy().put("txId", owners.clusterId(id)), outcome.replayed()) : outcome);
  }

  /**
   * Admits a query that will be streamed rather than answered whole: the same role rules, guard and
   * parsing as {@link #run} with {@link Addresses#QUERY}.
   *
   * @throws GatewayException when the caller may not run it, or it is malformed
   */
  public QueryRequest admitStream(JsonObject body, Caller caller) {
    return parser.query(admit(Addresses.QUERY, body, caller));
  }

  /**
   * Counts an operation in the metrics once it ends, and turns its failure into the caller's problem.
   * Every operation ends here, streamed ones included.
   *
   * @param operation the event-bus address, or the name of an operation that has none ({@code stream})
   */
  public <T> Future<T> finish(String operation, Caller caller, long startNanos, Future<T> result) {
    return result.transform(done -> {
      if (done.succeeded()) {
        metrics.operation(engine, operation, GatewayMetrics.OK, startNanos);
        return Future.succeededFuture(done.result());
      }
      Problem problem = problem(caller, done.cause(), operation);
      metrics.operation(engine, operation, problem.code().name(), startNanos);
      return Future.failedFuture(new GatewayException(problem, done.cause()));
    });
  }

  /** Counts an operation that ended with {@code outcome} ({@code ok}, an error code, ...). */
  public void record(String operation, String outcome, long startNanos) {
    metrics.operation(engine, operation, outcome, startNanos);
  }

  /** {@code failure} as the problem this caller is told; an unexpected one is logged. */
  public Problem problem(Caller caller, Throwable failure, String operation) {
    Problem problem = failure instanceof GatewayException g ? g.problem()
        : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
    if (problem.code() == ErrorCode.INTERNAL) {
      log.error("operation {} failed unexpectedly", operation, failure);
    }
    return RoleRules.forCaller(caller, problem, executor.dialect().driver());
  }

  private JsonObject admit(String address, JsonObject body, Caller caller) {
    if (body == null) {
      throw GatewayException.badRequest("the request body must be a JSON object");
    }
    JsonObject admitted = RoleRules.admit(caller, address, body);
    RoleRules.requireReadOnlySql(caller, admitted, guard);
    return admitted;
  }

  /**
   * Whose idempotency keys a caller's are among: its API key's. Anonymous callers and the JVM's own code
   * on the bus share one scope, {@code anonymous}: neither has a key to tell them apart.
   */
  private static String scope(Caller caller) {
    return caller == Caller.TRUSTED ? Caller.ANONYMOUS.keyId() : caller.keyId();
  }

  /** A query on its own, or inside the interactive transaction it names. */
  private Future<Outcome> query(QueryRequest request, String operation, JsonObject body, Caller caller) {
    return request.txId() == null ? executor.query(request, IdempotencyKey.from(operation, body, scope(caller)))
        : replied(transactions.query(request, caller));
  }

  private Future<Outcome> batch(JsonObject body, Caller caller) {
    BatchRequest request = parser.batch(body);
    return request.txId() == null ? executor.batch(request, IdempotencyKey.from("batch", body, scope(caller)))
        : replied(transactions.batch(request, caller));
  }

  private Future<Outcome> named(JsonObject body, Caller caller) {
    NamedQuery named = namedQueries.get(parser.namedQueryName(body));
    RoleRules.requireMayRun(caller, named.name(), named.readOnly());
    // Pinned to DB_NAME, so it cannot join a transaction on another database either.
    return query(parser.query(named.asQuery(body).put("database", parser.mainDatabase())), "named", body, caller);
  }

  private static Future<Outcome> replied(Future<JsonObject> body) {
    return body.map(json -> new Outcome(json, false));
  }
}
