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
import java.util.function.Function;
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
  private final GatewayMetrics metrics;

  public DatabaseVerticle(SqlExecutor executor, RequestParser parser, GatewayMetrics metrics) {
    this.executor = executor;
    this.parser = parser;
    this.guard = new ReadOnlyGuard(executor.dialect().syntax(), executor.dialect().readOnlyRefused());
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.QUERY,
            serve(body -> executor.query(parser.query(body), IdempotencyKey.from("query", body)))).completion(),
        bus.<JsonObject>consumer(Addresses.BATCH,
            serve(body -> executor.batch(parser.batch(body), IdempotencyKey.from("batch", body)))).completion(),
        bus.<JsonObject>consumer(Addresses.TRANSACTION,
            serve(body -> executor.transaction(parser.transaction(body), IdempotencyKey.from("transaction", body))))
            .completion(),
        bus.<JsonObject>consumer(Addresses.PING,
            serve(body -> executor.ping().map(v -> new SqlExecutor.Outcome(new JsonObject(), false)))).completion());
  }

  /**
   * Runs an operation for the message's caller, within what the caller's role allows: a READ caller's
   * work is forced read-only, a NAMED caller may only run named queries. Every operation passes here,
   * whichever adapter sent it: it is timed for the metrics, and its log lines carry the request id and
   * key id from the message's headers.
   */
  private io.vertx.core.Handler<Message<JsonObject>> serve(Function<JsonObject, Future<SqlExecutor.Outcome>> operation) {
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
        result = operation.apply(body);
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
