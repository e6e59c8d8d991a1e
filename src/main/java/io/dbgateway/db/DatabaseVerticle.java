package io.dbgateway.db;

import io.dbgateway.api.Addresses;
import io.dbgateway.api.RequestParser;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.RoleRules;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
import io.dbgateway.sql.ReadOnlyGuard;
import io.dbgateway.logging.LogContext;
import io.dbgateway.logging.RequestId;
import io.dbgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.named.NamedQueries;
import io.dbgateway.named.NamedQuery;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the operations on the event bus. HTTP and every other adapter reach the database only
 * through these addresses.
 */
public final class DatabaseVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DatabaseVerticle.class);

  /** Set on a reply that was answered from an idempotency key's recorded result. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private final SqlExecutor executor;
  private final RequestParser parser;
  /** What a READ caller may not send, on this engine. */
  private final ReadOnlyGuard guard;
  private final InteractiveTransactions transactions;
  private final NamedQueries namedQueries;
  private final GatewayMetrics metrics;

  /**
   * @param transactions shared by every instance: a transaction begun through one is used through any
   */
  public DatabaseVerticle(SqlExecutor executor, RequestParser parser, InteractiveTransactions transactions,
      NamedQueries namedQueries, GatewayMetrics metrics) {
    this.executor = executor;
    this.parser = parser;
    this.guard = new ReadOnlyGuard(executor.dialect().syntax(), executor.dialect().readOnlyRefused());
    this.transactions = transactions;
    this.namedQueries = namedQueries;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>consumer(Addresses.QUERY,
            serve((body, caller) -> query(parser.query(body), "query", body, caller))).completion(),
        bus.<JsonObject>consumer(Addresses.BATCH, serve((body, caller) -> {
          BatchRequest request = parser.batch(body);
          return request.txId() == null ? executor.batch(request, IdempotencyKey.from("batch", body))
              : answer(transactions.batch(request, caller));
        })).completion(),
        bus.<JsonObject>consumer(Addresses.TRANSACTION,
            serve((body, caller) -> executor.transaction(parser.transaction(body), IdempotencyKey.from("transaction", body))))
            .completion(),
        bus.<JsonObject>consumer(Addresses.TX_BEGIN,
            serve((body, caller) -> answer(transactions.begin(parser.begin(body), caller)))).completion(),
        bus.<JsonObject>consumer(Addresses.TX_COMMIT,
            serve((body, caller) -> answer(transactions.commit(parser.endingTxId(body), caller)))).completion(),
        bus.<JsonObject>consumer(Addresses.TX_ROLLBACK,
            serve((body, caller) -> answer(transactions.rollback(parser.endingTxId(body), caller)))).completion(),
        bus.<JsonObject>consumer(Addresses.NAMED, serve((body, caller) -> {
          NamedQuery named = namedQueries.get(parser.namedQueryName(body));
          RoleRules.requireMayRun(caller, named.name(), named.readOnly());
          return query(parser.query(named.asQuery(body)), "named", body, caller);
        })).completion(),
        bus.<JsonObject>consumer(Addresses.PING,
            serve((body, caller) -> answer(executor.ping().map(new JsonObject())))).completion()));
  }

  /** A query on its own, or inside the interactive transaction it names. */
  private Future<SqlExecutor.Outcome> query(QueryRequest request, String operation, JsonObject body, Caller caller) {
    return request.txId() == null ? executor.query(request, IdempotencyKey.from(operation, body))
        : answer(transactions.query(request, caller));
  }

  private static Future<SqlExecutor.Outcome> answer(Future<JsonObject> body) {
    return body.map(json -> new SqlExecutor.Outcome(json, false));
  }

  /** An operation on a request's body, for the caller that sent it. */
  private interface Operation extends BiFunction<JsonObject, Caller, Future<SqlExecutor.Outcome>> {}

  /**
   * Runs an operation for the message's caller, within what the caller's role allows: a READ caller's
   * work is forced read-only, a NAMED caller may only run named queries. Every operation passes here,
   * whichever adapter sent it: it is timed for the metrics, and its log lines carry the request id and
   * key id from the message's headers.
   */
  private io.vertx.core.Handler<Message<JsonObject>> serve(Operation operation) {
    String engine = executor.dialect().type().id();
    return message -> {
      long start = System.nanoTime();
      Caller caller = Caller.from(message.headers());
      LogContext.enter(RequestId.accept(message.headers().get(RequestId.BUS_HEADER)), caller.keyId());
      Future<SqlExecutor.Outcome> result;
      try {
        if (message.body() == null) {
          throw GatewayException.badRequest("the request body must be a JSON object");
        }
        JsonObject body = RoleRules.admit(caller, message.address(), message.body());
        RoleRules.requireReadOnlySql(caller, body, guard);
        result = operation.apply(body, caller);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(outcome -> {
        metrics.operation(engine, message.address(), GatewayMetrics.OK, start);
        message.reply(outcome.body(), outcome.replayed()
            ? new DeliveryOptions().addHeader(REPLAYED_HEADER, "true") : new DeliveryOptions());
      }, failure -> {
        Problem problem = RoleRules.forCaller(caller, failure instanceof GatewayException g ? g.problem()
            : Problem.of(ErrorCode.INTERNAL, "unexpected failure"));
        if (problem.code() == ErrorCode.INTERNAL) {
          log.error("operation on {} failed unexpectedly", message.address(), failure);
        }
        metrics.operation(engine, message.address(), problem.code().name(), start);
        message.fail(problem.status(), problem.toJson().encode());
      });
    };
  }
}
