package io.dbgateway.http;

import io.dbgateway.api.RequestParser;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.db.QueryStreamer;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: health, the {@code /v1} API and the adapters, each mounted from its own routes class. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);

  private final GatewayConfig config;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final QueryStreamer streamer;
  private HttpServer server;

  public HttpVerticle(GatewayConfig config, HealthChecks liveness, HealthChecks readiness, QueryStreamer streamer) {
    this.config = config;
    this.liveness = liveness;
    this.readiness = readiness;
    this.streamer = streamer;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    new StreamingQueryRoute(streamer, new RequestParser(config.query())).mount(router);
    new V1Routes(new BusForwarder(vertx, config)).mount(router);
    router.route().last().handler(ctx -> Problems.send(ctx, Problem.of(ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().path())));
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

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      Problems.send(ctx, Problem.of(ErrorCode.TOO_LARGE, "the body is larger than " + config.http().maxBodyBytes() + " bytes"));
    } else if (status >= 400 && status < 500) {
      Problems.send(ctx, Problem.of(ErrorCode.forStatus(status), "the request was rejected (" + status + ")"));
    } else {
      log.error("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      Problems.send(ctx, Problem.of(ErrorCode.INTERNAL, "unexpected failure"));
    }
  }
}
