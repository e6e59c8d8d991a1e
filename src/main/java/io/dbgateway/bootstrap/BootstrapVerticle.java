package io.dbgateway.bootstrap;

import io.dbgateway.dataapi.DataApiRoutes;
import io.dbgateway.operations.RequestParser;
import io.dbgateway.auth.ApiKeys;
import io.dbgateway.auth.BusCallers;
import io.dbgateway.bridge.EventBusBridgeVerticle;
import io.dbgateway.bus.DatabaseVerticle;
import io.dbgateway.cluster.ClusterTransactionCap;
import io.dbgateway.cluster.HazelcastCluster;
import io.dbgateway.cluster.TransactionOwners;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.db.NodeCalls;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.db.StatementRunner;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.Jdbc;
import io.dbgateway.http.ClientLimits;
import io.dbgateway.http.HttpVerticle;
import io.dbgateway.http.RateLimiter;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.named.NamedQueries;
import io.dbgateway.node.NodeChooser;
import io.dbgateway.operations.Operations;
import io.dbgateway.resilience.RetryPolicy;
import io.dbgateway.stream.QueryStreamer;
import io.dbgateway.transaction.InteractiveTransactions;
import io.dbgateway.transaction.SharedTransactionCap;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root. Start-up in order: wait for the database, migrate it, open the nodes' pools, build
 * the services on them, then deploy the event-bus adapter, HTTP and the bridge; readiness is served only
 * once all of that is done. What each step built is passed to the next along the chain.
 */
public final class BootstrapVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BootstrapVerticle.class);

  private final GatewayConfig config;
  /** The engine's driver, chosen once from {@code DB_TYPE} ({@code driver.Drivers#of}). */
  private final Driver driver;
  /** The per-key request rate: one set of buckets for every HTTP and bridge instance. */
  private final RateLimiter limiter;
  private final ClientLimits clients;
  private final GatewayMetrics metrics;
  private final NamedQueries namedQueries;
  private final ApiKeys keys;
  /** What start-up built, once it has: shutdown stops it. */
  private Future<Services> started = Future.failedFuture("not started");

  /**
   * @param metrics the registry the Vert.x this is deployed on reports into ({@link GatewayMetrics#newVertx()})
   * @param namedQueries loaded and checked before start-up, like the configuration
   */
  public BootstrapVerticle(GatewayConfig config, Driver driver, GatewayMetrics metrics, NamedQueries namedQueries) {
    this.config = config;
    this.driver = driver;
    this.limiter = new RateLimiter(config.limits());
    this.clients = new ClientLimits(config.http());
    this.metrics = metrics;
    this.namedQueries = namedQueries;
    this.keys = new ApiKeys(config.security().apiKeys());
  }

  /** @throws io.dbgateway.config.InvalidConfigException when a named-query file is wrong */
  public static NamedQueries loadNamedQueries(GatewayConfig config, Driver driver) {
    return NamedQueries.load(config.queries(), driver.syntax());
  }

  @Override
  public Future<?> start() {
    if (metrics.clusterManager() != null) {
      // Each key's request rate is the cluster's: the gateway instances share it (docs/cluster.md).
      HazelcastCluster.watchGateways(metrics.clusterManager(), limiter::instances);
    }
    started = DatabaseWaiter.forNodes(vertx, config.database(), jdbcNodes()).await()
        .compose(reached -> reached.galera() ? galera(reached) : single(reached))
        .compose(database -> NodeFactory.readOnlyLoginWorks(database.chooser(), config.database()).map(database))
        .map(this::services);
    return started
        .compose(services -> deployAdapters(services).map(services))
        .onSuccess(services -> IdempotencySweeper.start(vertx, services.executor(),
            config.resilience().idempotencyRetention()))
        .onSuccess(services -> log.info("DB Gateway ready: {} on {}://{}:{}", config.database().target(),
            config.security().tls() ? "https" : "http", config.http().host(), config.http().port()));
  }

  /** What clients hold of the HTTP server, for tests that watch it. */
  public ClientLimits clients() {
    return clients;
  }

  /** The streaming service, for tests that watch how many rows streams hold; null before start-up built it. */
  public QueryStreamer streamer() {
    return started.succeeded() ? started.result().streamer() : null;
  }

  private List<Jdbc> jdbcNodes() {
    int connectTimeout = (int) Math.max(1, config.pool().connectTimeout().toSeconds());
    return !driver.hasServers()
        ? List.of(new Jdbc(driver, config.database(), null, connectTimeout))
        : config.database().hosts().stream().map(h -> new Jdbc(driver, config.database(), h, connectTimeout)).toList();
  }

  /** One server: migrate through it and run everything on it. */
  private Future<Database> single(DatabaseWaiter.Reached reached) {
    HostAndPort node = reached.node().node() == null ? config.database().hosts().get(0) : reached.node().node();
    Dialect dialect = driver.dialect(vertx, reached.node(), reached.version(), false, config.query().defaultTimeoutMs());
    NodeFactory pools = new NodeFactory(vertx, config, driver, dialect, metrics);
    return migrate(reached.node()).map(done -> new Database(dialect, NodeChooser.single(pools.of(node)), null));
  }

  /** A Galera cluster: once a writer is eligible, migrate through it, then choose nodes by the monitor's view. */
  private Future<Database> galera(DatabaseWaiter.Reached reached) {
    return GaleraStartup.awaitWriter(vertx, config, metrics).compose(monitor -> {
      Jdbc writer = new Jdbc(driver, config.database(), monitor.view().writer(), reached.node().connectTimeoutSeconds());
      Dialect dialect = driver.dialect(vertx, writer, reached.version(), true, config.query().defaultTimeoutMs());
      NodeFactory pools = new NodeFactory(vertx, config, driver, dialect, metrics);
      return migrate(writer).map(done -> new Database(dialect, GaleraStartup.chooser(monitor, config, pools::of), monitor));
    });
  }

  /**
   * Migrates under the migrations lock: the cluster's in cluster mode (Flyway takes no lock of its own on
   * Galera, so instances starting at once on a new database would run a migration twice), else this process's.
   */
  private Future<Void> migrate(Jdbc through) {
    if (config.cluster().enabled()) {
      log.info("taking the cluster's migrations lock (another instance may be migrating)");
    }
    return vertx.sharedData().getLockWithTimeout(Migrations.LOCK, Migrations.LOCK_WAIT_MS).compose(lock ->
        vertx.executeBlocking(() -> Migrations.run(through, config.migrations(), config.migrationsBaseline(),
            config.migrationsBaselineVersion()), false).andThen(done -> lock.release()).mapEmpty());
  }

  /** The services on the database: one statement runner and one way to the nodes, shared by all of them. */
  private Services services(Database database) {
    StatementRunner statements = new StatementRunner(database.dialect(), config.query().maxResultBytes());
    NodeCalls nodes = new NodeCalls(statements, database.chooser(), new RetryPolicy(vertx, config.resilience()),
        config.pool().waitTimeout());
    SqlExecutor executor = new SqlExecutor(vertx, statements, nodes);
    // In cluster mode each key's cap on open transactions is the cluster's (docs/cluster.md).
    SharedTransactionCap shared = config.cluster().enabled()
        ? new ClusterTransactionCap(vertx, metrics.clusterManager(), config.transactions().maxOpenPerKey(),
            config.pool().waitTimeout().toMillis())
        : SharedTransactionCap.NONE;
    InteractiveTransactions transactions = new InteractiveTransactions(vertx, statements, nodes,
        config.transactions(), config.pool().waitTimeout(), config.query().defaultTimeoutMs(), shared);
    metrics.openTransactions(transactions::openCount);
    metrics.requestBodyBytes(clients::bodyBytesHeld);
    QueryStreamer streamer = new QueryStreamer(vertx, statements, nodes, config.query().streamFetchRows());
    RequestParser parser = new RequestParser(config.query(), config.limits().maxParams(), config.database().databases());
    TransactionOwners owners = config.cluster().enabled()
        ? new TransactionOwners(vertx, keys, metrics.clusterManager(), Operations.busReplyTimeoutMs(config)) : null;
    if (owners != null) {
      // Cut off and dropped, this instance's transactions were declared gone to clients by the others
      // (404, rolled back): it must not serve them once it is back (docs/cluster.md).
      HazelcastCluster.onMerging(metrics.clusterManager(), () -> vertx.runOnContext(v -> transactions.rollbackAll(
          "because this instance was dropped from the cluster and merges back into it",
          "was open when its instance was dropped from the cluster")));
    }
    Operations operations = new Operations(executor, parser, transactions, namedQueries, metrics, owners);
    return new Services(database, nodes, executor, transactions, streamer, operations, owners);
  }

  /** The event-bus adapter, then HTTP, then the TCP bridge (when {@code GATEWAY_EVENTBUS_BRIDGE_PORT} is set). */
  private Future<?> deployAdapters(Services services) {
    DatabaseVerticle.registerCodec(vertx);
    BusCallers callers = new BusCallers(keys, config.cluster().enabled());
    String ownerAddress = services.owners() == null ? null : services.owners().address();
    HealthChecks liveness = HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK()));
    HealthChecks readiness = Readiness.of(vertx, config, metrics, services);
    return vertx.deployVerticle(() -> new DatabaseVerticle(services.operations(), callers, ownerAddress), instances())
        .compose(db -> vertx.deployVerticle(() -> new HttpVerticle(config, liveness, readiness, limiter, metrics,
            services.operations(), services.streamer(), clients, DataApiRoutes.routes(config)), instances()))
        .compose(http -> config.eventBusBridgePort() == null ? Future.succeededFuture()
            : vertx.deployVerticle(() -> new EventBusBridgeVerticle(config, limiter), instances()));
  }

  private static DeploymentOptions instances() {
    return new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors());
  }

  @Override
  public Future<?> stop() {
    return started.succeeded() ? started.result().stop() : Future.succeededFuture();
  }
}
