package io.dbgateway.http;

import io.dbgateway.config.GatewayConfig;
import io.dbgateway.db.DatabaseVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Sends an HTTP request's operation to its event-bus address, as the request's caller. */
public final class BusForwarder {

  private final Vertx vertx;
  private final long sendTimeoutMs;

  public BusForwarder(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.sendTimeoutMs = sendTimeoutMs(config);
  }

  /** The longest an operation may take: its statements' time plus the wait for a connection. */
  public static long sendTimeoutMs(GatewayConfig config) {
    return config.query().maxTimeoutMs() + config.pool().waitTimeout().toMillis() + 5_000;
  }

  /** The operation's reply; a failure is a {@link io.vertx.core.eventbus.ReplyException} carrying its problem. */
  public Future<Message<JsonObject>> request(RoutingContext ctx, String address, JsonObject body) {
    DeliveryOptions options = HttpCaller.of(ctx).addTo(new DeliveryOptions().setSendTimeout(sendTimeoutMs));
    AccessLog.forwarded(ctx, address, options);
    return vertx.eventBus().request(address, body, options);
  }

  /** Runs the operation and answers its JSON reply, or its problem. */
  public void forward(RoutingContext ctx, String address, JsonObject body) {
    request(ctx, address, body).onComplete(reply -> {
      String replayed = reply.headers().get(DatabaseVerticle.REPLAYED_HEADER);
      if (replayed != null) {
        ctx.response().putHeader(DatabaseVerticle.REPLAYED_HEADER, replayed);
      }
      ctx.response().putHeader("Content-Type", "application/json").end(reply.body().toBuffer());
    }, failure -> Problems.send(ctx, Problems.fromBus(failure)));
  }
}
