package io.dbgateway.db;

import io.dbgateway.auth.Caller;
import io.dbgateway.error.GatewayException;
import io.dbgateway.logging.LogContext;
import io.dbgateway.logging.RequestId;
import io.dbgateway.operations.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus adapter: serves every operation at its {@code dbgateway.*} address, for verticles in the
 * gateway's JVM and for TCP-bridge clients. Like every adapter, it hands the work to {@link Operations};
 * HTTP calls the same service directly, without crossing the bus.
 */
public final class DatabaseVerticle extends VerticleBase {

  /** Set on a reply that was answered from an idempotency key's recorded result. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private static final DeliveryOptions REPLAYED = new DeliveryOptions().addHeader(REPLAYED_HEADER, "true");
  private static final DeliveryOptions NOT_REPLAYED = new DeliveryOptions();

  private final Operations operations;

  public DatabaseVerticle(Operations operations) {
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(operations.addresses().stream()
        .map(address -> bus.<JsonObject>consumer(address, this::serve).completion())
        .toList());
  }

  /** Runs the message's operation as the caller its headers name, and replies with its result or problem. */
  private void serve(Message<JsonObject> message) {
    Caller caller = Caller.from(message.headers());
    LogContext.enter(RequestId.accept(message.headers().get(RequestId.BUS_HEADER)), caller.keyId());
    Future<SqlExecutor.Outcome> result;
    try {
      result = operations.run(message.address(), message.body(), caller);
    } catch (RuntimeException e) { // a body that is not a JsonObject
      result = operations.finish(message.address(), caller, System.nanoTime(), Future.failedFuture(e));
    }
    result.onComplete(
        outcome -> message.reply(outcome.body(), outcome.replayed() ? REPLAYED : NOT_REPLAYED),
        failure -> {
          var problem = ((GatewayException) failure).problem();
          message.fail(problem.status(), problem.toJson().encode());
        });
  }
}
