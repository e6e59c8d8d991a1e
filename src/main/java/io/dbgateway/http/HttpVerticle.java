package io.dbgateway.http;

import io.dbgateway.api.Addresses;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import io.dbgateway.db.DatabaseVerticle;
import io.dbgateway.idempotency.IdempotencyKey;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP adapter: each operation route forwards its JSON body to the operation's event-bus address. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);
  static final String PROBLEM_JSON = "application/problem+json";
  static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  private final GatewayConfig config;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private HttpServer server;

  public HttpVerticle(GatewayConfig config, HealthChecks liveness, HealthChecks readiness) {
    this.config = config;
    this.liveness = liveness;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    router.post("/v1/query").handler(ctx -> forward(ctx, Addresses.QUERY));
    router.post("/v1/batch").handler(ctx -> forward(ctx, Addresses.BATCH));
    router.post("/v1/transaction").handler(ctx -> forward(ctx, Addresses.TRANSACTION));
    router.route().last().handler(ctx -> problem(ctx, Problem.of(ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().path())));
    router.route().failureHandler(this::failure);
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port()))
        .requestHandler(router)
        .listen()
        .andThen(listening -> server = listening.result())
        .onSuccess(server -> log.info("HTTP listening on {}:{}", config.http().host(), server.actualPort()));
  }

  /** Stops accepting connections and lets in-flight requests finish, for at most the drain time. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.resilience().shutdownDrain().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void forward(RoutingContext ctx, String address) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      problem(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the body is not a JSON object: malformed JSON"));
      return;
    }
    if (body == null) {
      problem(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the body must be a JSON object"));
      return;
    }
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY_HEADER);
    if (key != null) {
      Object inBody = body.getValue(IdempotencyKey.FIELD);
      if (inBody != null && !key.equals(inBody)) {
        problem(ctx, Problem.of(ErrorCode.BAD_REQUEST, "the Idempotency-Key header and the body's idempotencyKey differ"));
        return;
      }
      body.put(IdempotencyKey.FIELD, key);
    }
    long busTimeout = config.query().maxTimeoutMs() + config.pool().waitTimeout().toMillis() + 5_000;
    vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(busTimeout))
        .onSuccess(reply -> {
          String replayed = reply.headers().get(DatabaseVerticle.REPLAYED_HEADER);
          if (replayed != null) {
            ctx.response().putHeader(DatabaseVerticle.REPLAYED_HEADER, replayed);
          }
          ctx.response().putHeader("Content-Type", "application/json").end(reply.body().toBuffer());
        })
        .onFailure(failure -> problem(ctx, fromBus(failure)));
  }

  /** The problem carried by an event-bus failure: the operation's own, or one for the bus itself. */
  public static Problem fromBus(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        try {
          return Problem.fromJson(new JsonObject(reply.getMessage()));
        } catch (DecodeException e) {
          return Problem.of(ErrorCode.INTERNAL, "unexpected failure");
        }
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return Problem.of(ErrorCode.UNAVAILABLE, "the database verticles are not running");
      }
      return Problem.of(ErrorCode.TIMEOUT, "the operation did not answer in time");
    }
    return Problem.of(ErrorCode.INTERNAL, "unexpected failure");
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      problem(ctx, Problem.of(ErrorCode.TOO_LARGE, "the body is larger than " + config.http().maxBodyBytes() + " bytes"));
    } else if (status >= 400 && status < 500) {
      problem(ctx, Problem.of(ErrorCode.forStatus(status), "the request was rejected (" + status + ")"));
    } else {
      log.error("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      problem(ctx, Problem.of(ErrorCode.INTERNAL, "unexpected failure"));
    }
  }

  static void problem(RoutingContext ctx, Problem problem) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", PROBLEM_JSON);
    if (problem.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
    }
    JsonObject body = problem.toJson();
    body.remove("retryAfter");
    ctx.response().end(body.toBuffer());
  }
}
