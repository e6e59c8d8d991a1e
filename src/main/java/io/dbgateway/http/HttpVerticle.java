package io.dbgateway.http;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.auth.SigV4Verifier;
import io.dbgateway.stream.QueryStreamer;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.operations.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: health, the {@code /v1} API and the adapters, each mounted from its own routes class. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);

  private final GatewayConfig config;
  private final HealthChecks liveness;
  private final HealthChecks readiness;
  private final RateLimiter limiter;
  private final GatewayMetrics metrics;
  private final Operations operations;
  private final QueryStreamer streamer;
  private final ClientLimits clients;
  private final SignedRoutes dataApi;
  private HttpServer server;
  private Router router;

  /**
   * @param limiter the per-key request rate, one for the whole process (every instance shares it)
   * @param operations runs every operation, on the event loop that took its request
   * @param streamer streams {@code Accept: application/x-ndjson} queries through a cursor
   * @param clients the request bodies and connections of the whole process (every instance shares it)
   * @param dataApi the RDS Data API endpoints: authenticated like {@code /v1}, and by AWS SigV4 too
   */
  public HttpVerticle(GatewayConfig config, HealthChecks liveness, HealthChecks readiness, RateLimiter limiter,
      GatewayMetrics metrics, Operations operations, QueryStreamer streamer, ClientLimits clients,
      SignedRoutes dataApi) {
    this.config = config;
    this.liveness = liveness;
    this.readiness = readiness;
    this.limiter = limiter;
    this.metrics = metrics;
    this.operations = operations;
    this.streamer = streamer;
    this.clients = clients;
    this.dataApi = dataApi;
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    ConnectionGuard connections = new ConnectionGuard(vertx, config.http(), clients);
    router.route().order(-2).handler(connections::requestArrived);
    router.route().order(-1).handler(new AccessLog(metrics.httpServer()));
    router.route().handler(new BrowserGuard(config.http(), dataApi.paths()));
    router.get(OpenApiHandler.PATH).handler(new OpenApiHandler());
    router.get("/metrics").handler(metrics.scrapeHandler()); // no auth: bind or firewall it to an internal network
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    ApiKeys keys = new ApiKeys(config.security().apiKeys());
    AuthHandler.SigV4 sigV4 = new SigV4Verifier(keys, Clock.systemUTC(), clients.signatures)::verify;
    BodyReader bodies = new BodyReader(config.http(), clients.bodies);
    guard(router.route("/v1/*"), new AuthHandler(keys, sigV4, false, metrics.authFailures()), bodies);
    AuthHandler dataApiAuth = new AuthHandler(keys, sigV4, true, metrics.authFailures());
    dataApi.paths().forEach(path -> guard(router.route(path), dataApiAuth, bodies));
    new StreamingQueryRoute(streamer, operations).mount(router);
    HttpOperations calls = new HttpOperations(operations);
    new V1Routes(calls).mount(router);
    dataApi.mount().accept(router, calls);
    router.route().last().handler(ctx -> Problems.send(ctx, Problem.of(ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().path())));
    router.route().failureHandler(this::failure);
    return vertx.createHttpServer(serverOptions())
        .connectionHandler(connection -> {
          metrics.httpServer().connectionOpened();
          connections.opened(connection, () -> metrics.httpServer().connectionClosed());
        })
        .requestHandler(router)
        .listen()
        .andThen(listening -> server = listening.result())
        .onSuccess(server -> log.info("{} listening on {}:{}", config.security().tls() ? "HTTPS" : "HTTP",
            config.http().host(), server.actualPort()));
  }

  /**
   * Every API path: who is calling, from the headers; the body, bounded (BodyReader); a SigV4 signature,
   * which covers the body, once it is read; then that caller's request rate.
   */
  private void guard(io.vertx.ext.web.Route route, AuthHandler auth, BodyReader bodies) {
    route.handler(auth)
        .handler(bodies)
        .handler(auth.signed())
        .handler(this::rateLimit);
  }

  private void rateLimit(RoutingContext ctx) {
    limiter.admit(HttpCaller.of(ctx).keyId()).ifPresentOrElse(problem -> Problems.send(ctx, problem), ctx::next);
  }


  /** Plain HTTP, or HTTPS only when a certificate and key are configured. */
  private HttpServerOptions serverOptions() {
    // HTTP/1.1 only: an h2c upgrade answered early (a 401 or 429 before the body is read) left clients
    // reading the answer's body as HTTP/2 frames; HTTP/2 is not tested, so it is not offered.
    HttpServerOptions options = new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port())
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(config.http().idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (config.security().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.security().tlsCert().toString())
          .setKeyPath(config.security().tlsKey().toString()));
    }
    return options;
  }

  /** The routes this verticle serves, for the test that holds them to the OpenAPI document. */
  Router router() {
    return router;
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
