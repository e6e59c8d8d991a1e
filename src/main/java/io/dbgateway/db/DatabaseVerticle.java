package io.dbgateway.db;

import io.dbgateway.api.Addresses;
import io.dbgateway.api.RequestParser;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.RoleRules;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.idempotency.IdempotencyKey;
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

  public DatabaseVerticle(SqlExecutor executor, RequestParser parser) {
    this.executor = executor;
    this.parser = parser;
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
   * work is forced read-only, a NAMED caller may only run named queries.
   */
  private static io.vertx.core.Handler<Message<JsonObject>> serve(Function<JsonObject, Future<SqlExecutor.Outcome>> operation) {
    return message -> {
      Future<SqlExecutor.Outcome> result;
      try {
        if (message.body() == null) {
          throw GatewayException.badRequest("the request body must be a JSON object");
        }
        Caller caller = Caller.from(message.headers());
        result = operation.apply(RoleRules.admit(caller, message.address(), message.body()));
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(outcome -> message.reply(outcome.body(), outcome.replayed()
          ? new DeliveryOptions().addHeader(REPLAYED_HEADER, "true") : new DeliveryOptions()), failure -> {
        Problem problem = failure instanceof GatewayException g ? g.problem() : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
        if (problem.code() == ErrorCode.INTERNAL) {
          log.error("operation on {} failed unexpectedly", message.address(), failure);
        }
        message.fail(problem.status(), problem.toJson().encode());
      });
    };
  }
}
