package io.dbgateway.bootstrap;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.BusCallers;
import io.dbgateway.cluster.HazelcastCluster;
import io.dbgateway.cluster.TransactionOwners;
import io.dbgateway.resilience.Deadlines;
import io.dbgateway.error.GatewayException;
import io.dbgateway.auth.Caller;
import io.dbgateway.api.Addresses;
import io.dbgateway.api.RequestParser;
import io.dbgateway.bridge.EventBusBridgeVerticle;
import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.node.ConnectionSource;
import io.dbgateway.bus.DatabaseVerticle;
import io.dbgateway.transaction.InteractiveTransactions;
import io.dbgateway.named.NamedQueries;
import io.dbgateway.node.NodeRouter;
import io.dbgateway.node.NodeRoutes;
import io.dbgateway.node.Route;
import io.dbgateway.galera.GaleraMonitor;
import io.dbgateway.galera.GaleraRouter;
import io.dbgateway.galera.GaleraVerticle;
import java.util.LinkedHashMap;
import java.util.Map;
import io.dbgateway.driver.Dialect;
import io.dbgateway.stream.QueryStreamer;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.Drivers;
import io.dbgateway.driver.Jdbc;
import io.dbgateway.http.HttpVerticle;
import io.dbgateway.http.Problems;
import io.dbgateway.http.RateLimiter;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.operations.Operations;
import io.dbgateway.resilience.NodeBreaker;
import io.dbgateway.resilience.RetryPolicy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up in order: wait for the database, migrate it, deploy the database verticles, then HTTP.
 * Readiness turns UP only once all of that is done and the database answers.
 */
public final class BootstrapVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BootstrapVerticle.class);
  private static final long PING_TIMEOUT_MS = 2_000;
  private static final long SWEEP_PERIOD_MS = 60_000;
  /** Nodes need two passing probes to be up, so a writer is known after a few polls. */
  private static final int WRITER_WAIT_POLLS = 30;

  private final GatewayConfig config;
  /** The engine's driver, chosen from {@code DB_TYPE}. */
  private final Driver driver;
  /** The per-key request rate: one set of buckets for every HTTP and bridge instance. */
  private final RateLimiter limiter;
  private final io.dbgateway.http.ClientLimits clients;
  private final GatewayMetrics metrics;
  private final NamedQueries namedQueries;
  private final AtomicBoolean migrated = new AtomicBoolean();
  private Dialect dialect;
  private NodeRouter router;
  private GaleraMonitor monitor;
  private SqlExecutor executor;
  private InteractiveTransactions transactions;
  private QueryStreamer streamer;
  private Operations operations;

  /**
   * @param metrics the registry the Vert.x this is deployed on reports into ({@link GatewayMetrics#newVertx()})
   * @param namedQueries loaded and checked before start-up, like the configuration
   */
  public BootstrapVerticle(GatewayConfig config, GatewayMetrics metrics, NamedQueries namedQueries) {
    this.config = config;
    this.driver = Drivers.of(config.database().type());
    this.limiter = new RateLimiter(config.limits());
    this.clients = new io.dbgateway.http.ClientLimits(config.http());
    this.metrics = metrics;
    this.namedQueries = namedQueries;
  }

  /**
   * Loads the named queries itself.
   *
   * @throws io.dbgateway.config.InvalidConfigException when a named-query file is wrong
   */
  public BootstrapVerticle(GatewayConfig config, GatewayMetrics metrics) {
    this(config, metrics, loadNamedQueries(config));
  }

  public static NamedQueries loadNamedQueries(GatewayConfig config) {
    return NamedQueries.load(config.queries(), Drivers.of(config.database().type()).syntax());
  }

  @Override
  public Future<?> start() {
    if (metrics.clusterManager() != null) {
      // Each key's request rate is the cluster's: the gateway instances share it (docs/cluster.md).
      HazelcastCluster.watchGateways(metrics.clusterManager(), limiter::instances);
    }
    HealthChecks liveness = HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK()));
    HealthChecks readiness = readiness();
    return DatabaseWaiter.forNodes(vertx, config.database(), jdbcNodes()).await()
        .compose(reached -> reached.galera() ? galera(reached) : single(reached))
        .compose(router -> readOnlyLoginWorks(router).map(router))
        .compose(router -> {
          this.router = router;
          executor = new SqlExecutor(vertx, dialect, router, new RetryPolicy(vertx, config.resilience()),
              config.pool().waitTimeout(), config.query().maxResultBytes());
          transactions = new InteractiveTransactions(vertx, executor, config.transactions(), config.pool().waitTimeout(),
              config.query().defaultTimeoutMs());
          metrics.openTransactions(transactions::openCount);
          metrics.requestBodyBytes(clients::bodyBytesHeld);
          streamer = new QueryStreamer(vertx, executor, config.query().streamFetchRows());
          RequestParser parser = new RequestParser(config.query(), config.limits().maxParams(),
              config.database().databases());
          ApiKeys keys = new ApiKeys(config.security().apiKeys());
          TransactionOwners owners = config.cluster().enabled()
              ? new TransactionOwners(vertx, keys, metrics.clusterManager(), Operations.busReplyTimeoutMs(config)) : null;
          operations = new Operations(executor, parser, transactions, namedQueries, metrics, owners);
          DatabaseVerticle.registerCodec(vertx);
          BusCallers callers = new BusCallers(keys, config.cluster().enabled());
          String ownerAddress = owners == null ? null : owners.address();
          return vertx.deployVerticle(() -> new DatabaseVerticle(operations, callers, ownerAddress), instances());
        })
        .compose(db -> vertx.deployVerticle(
            () -> new HttpVerticle(config, liveness, readiness, limiter, metrics, operations, streamer, clients),
            instances()))
        .compose(http -> deployBridge())
        .andThen(deployed -> sweepIdempotencyKeysPeriodically())
        .onSuccess(http -> log.info("DB Gateway ready: {} on {}://{}:{}", config.database().target(),
            config.security().tls() ? "https" : "http", config.http().host(), config.http().port()));
  }

  /** What clients hold of the HTTP server, for tests that watch it. */
  public io.dbgateway.http.ClientLimits clients() {
    return clients;
  }

  /** The streaming service, for tests that watch how many rows streams hold. */
  public QueryStreamer streamer() {
    return streamer;
  }

  /** The TCP event-bus bridge, when {@code GATEWAY_EVENTBUS_BRIDGE_PORT} is set. */
  private Future<?> deployBridge() {
    return config.eventBusBridgePort() == null ? Future.succeededFuture()
        : vertx.deployVerticle(() -> new EventBusBridgeVerticle(config, limiter), instances());
  }

  private List<Jdbc> jdbcNodes() {
    int connectTimeout = (int) Math.max(1, config.pool().connectTimeout().toSeconds());
    return !driver.hasServers()
        ? List.of(new Jdbc(driver, config.database(), null, connectTimeout))
        : config.database().hosts().stream().map(h -> new Jdbc(driver, config.database(), h, connectTimeout)).toList();
  }

  /** One server: migrate through it and route everything to it. */
  private Future<NodeRouter> single(DatabaseWaiter.Reached reached) {
    HostAndPort node = reached.node().node() == null ? config.database().hosts().get(0) : reached.node().node();
    dialect = dialect(reached.version(), false, reached.node());
    return migrate(reached.node()).map(done -> NodeRouter.single(routes(node)));
  }

  /**
   * A Galera cluster: poll every node, wait for an eligible writer, migrate through it, then route by
   * the monitor's view.
   */
  private Future<NodeRouter> galera(DatabaseWaiter.Reached reached) {
    monitor = new GaleraMonitor(vertx, config.database(), config.galera());
    metrics.galera(monitor);
    return vertx.deployVerticle(new GaleraVerticle(monitor))
        .compose(deployed -> monitor.awaitWriter(WRITER_WAIT_POLLS))
        .compose(view -> {
          if (view.writer() == null) {
            return Future.failedFuture(new StartupException("no Galera node is eligible to take writes: "
                + view.toJson().encode()));
          }
          Jdbc writer = new Jdbc(driver, config.database(), view.writer(), reached.node().connectTimeoutSeconds());
          dialect = dialect(reached.version(), true, writer);
          return migrate(writer);
        })
        .map(done -> {
          Map<HostAndPort, NodeRoutes> routes = new LinkedHashMap<>();
          config.database().hosts().forEach(node -> routes.put(node, routes(node)));
          int retryAfter = (int) Math.max(1, (config.galera().pollInterval().toMillis() + 999) / 1000);
          return new GaleraRouter(monitor, routes, retryAfter);
        });
  }

  private Future<Void> migrate(Jdbc through) {
    return vertx.executeBlocking(() -> Migrations.run(through, config.migrations(), config.migrationsBaseline(),
        config.migrationsBaselineVersion()), false)
        .onSuccess(result -> migrated.set(true))
        .mapEmpty();
  }

  /**
   * With {@code DB_READ_USER} set, that it logs in (to the node strong reads go to: the one node, or the
   * Galera writer), so a wrong login stops start-up with its reason rather than failing every read later.
   */
  private Future<Void> readOnlyLoginWorks(NodeRouter router) {
    if (config.database().readUser() == null) {
      return Future.succeededFuture();
    }
    Route route = router.route(false, true);
    ConnectionSource source = route.readConnections();
    return source.connection(true)
        .compose(conn -> conn.query("SELECT 1").execute().andThen(done -> source.giveBack(conn)))
        .<Void>mapEmpty()
        .recover(failure -> Future.failedFuture(new StartupException("DB_READ_USER could not log in to "
            + route.node() + ": " + failure.getMessage())));
  }

  /** A node's routes: to DB_NAME now, to each other database of GATEWAY_DATABASES on its first request. */
  private NodeRoutes routes(HostAndPort node) {
    return new NodeRoutes(route(node, config.database()), name -> route(node, config.database().forDatabase(name)));
  }

  /**
   * The pools and breaker of one database on a node, named as results report the node: host:port, or the
   * SQLite file; another database's breaker is {@code <database>@<node>}.
   */
  private Route route(HostAndPort node, DatabaseConfig database) {
    ConnectionSource connections =
        driver.connections(vertx, database, config.pool(), node, config.query().defaultTimeoutMs(),
            config.transactions().maxOpen(), dialect.sessionReset());
    ConnectionSource readOnly =
        driver.readOnlyConnections(vertx, database, config.pool(), node, config.query().defaultTimeoutMs(),
            config.transactions().maxOpen(), dialect.sessionReset());
    String breakerName = database.isMain() ? connections.node() : database.name() + "@" + connections.node();
    NodeBreaker breaker = new NodeBreaker(vertx, breakerName, config.resilience());
    metrics.breaker(breaker);
    return new Route(connections.node(), database.name(), connections, readOnly, breaker);
  }

  private Dialect dialect(String version, boolean galera, Jdbc jdbc) {
    return driver.dialect(vertx, jdbc, version, galera, config.query().defaultTimeoutMs());
  }

  private void sweepIdempotencyKeysPeriodically() {
    Duration retention = config.resilience().idempotencyRetention();
    long periodMs = Math.max(1_000, Math.min(SWEEP_PERIOD_MS, retention.toMillis()));
    vertx.setPeriodic(periodMs, id -> executor.sweepIdempotencyKeys(retention).onComplete(
        swept -> log.debug("forgot {} idempotency keys older than {}", swept, retention),
        failure -> log.warn("could not sweep idempotency keys: {}", failure.getMessage())));
  }

  private HealthChecks readiness() {
    return HealthChecks.create(vertx)
        .register("breaker", p -> p.complete(breakers()))
        .register("galera", p -> p.complete(galeraStatus()))
        .register("migrations", p -> p.complete(migrated.get() ? Status.OK() : Status.KO(
            new JsonObject().put("reason", "migrations have not completed"))))
        .register("database", PING_TIMEOUT_MS + 500, p -> ping().onComplete(
            ok -> p.complete(Status.OK(new JsonObject().put("target", config.database().target()))),
            failure -> p.complete(Status.KO(new JsonObject().put("reason", "the database does not answer: "
                + Operations.problem(Caller.TRUSTED, failure, "ping").detail())))))
        .register("cluster", p -> p.complete(Status.OK(metrics.clusterView())));
  }

  /**
   * This instance's own ping, not one sent on the event bus: in cluster mode the bus would take it to any
   * member, and readiness is this instance's.
   */
  private Future<Void> ping() {
    if (executor == null) {
      return Future.failedFuture(GatewayException.of(io.dbgateway.error.ErrorCode.UNAVAILABLE,
          "the database verticles are not deployed yet"));
    }
    return Deadlines.within(vertx, executor.ping(), PING_TIMEOUT_MS, () -> GatewayException.of(
        io.dbgateway.error.ErrorCode.TIMEOUT, "no answer within " + PING_TIMEOUT_MS + " ms"));
  }

  /** DOWN while any node's breaker is open (a cluster still serves through the others, but says so). */
  private Status breakers() {
    if (router == null) {
      return Status.KO(new JsonObject().put("reason", "the database verticles are not deployed yet"));
    }
    JsonObject states = new JsonObject();
    boolean open = false;
    for (Route route : router.routes()) {
      CircuitBreakerState state = route.breaker().state();
      states.put(route.node(), state.name());
      open |= state == CircuitBreakerState.OPEN && (monitor == null || route.node().equals(String.valueOf(monitor.view().writer())));
    }
    return open ? Status.KO(states.put("reason", "the circuit breaker is open: the database is failing"))
        : Status.OK(states);
  }

  /** On Galera: UP only with an eligible writer; the data names the writer and why each node is or is not eligible. */
  private Status galeraStatus() {
    if (monitor == null) {
      return Status.OK(new JsonObject().put("galera", false));
    }
    JsonObject view = monitor.view().toJson();
    return monitor.view().writer() == null
        ? Status.KO(view.put("reason", "no Galera node is eligible to take writes"))
        : Status.OK(view);
  }

  private static DeploymentOptions instances() {
    return new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors());
  }

  @Override
  public Future<?> stop() {
    // HTTP has drained by now, and the Galera verticle stopped (children stop first): whatever still
    // runs did not fit in the drain time.
    Future<Void> rolledBack = transactions == null ? Future.succeededFuture() : transactions.rollbackAll();
    Future<Void> cancelled = rolledBack.transform(done -> executor == null ? Future.succeededFuture()
        : executor.cancelInFlight());
    return router == null ? cancelled : cancelled.transform(done -> router.close());
  }
}
