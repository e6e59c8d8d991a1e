package io.dbgateway.metrics;

import io.dbgateway.api.Addresses;
import io.dbgateway.galera.ClusterView;
import io.dbgateway.galera.GaleraMonitor;
import io.dbgateway.galera.NodeView;
import io.dbgateway.logging.AsyncAccessAppender;
import io.dbgateway.resilience.NodeBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.dbgateway.cluster.HazelcastCluster;
import io.dbgateway.config.ClusterConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics, in one Prometheus registry per gateway process. Vert.x reports into it (its
 * SQL pools per node, HTTP server, event bus, and the JVM); the gateway adds its own {@code dbgateway_*}
 * meters: the latency of every operation, each node's circuit breaker, each Galera node, the open
 * interactive transactions and the access lines dropped under overload. {@code docs/operations.md}
 * lists every metric.
 */
public final class GatewayMetrics {

  /** The latency buckets of operations and of waits for a pooled connection. */
  static final List<Duration> BUCKETS = List.of(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

  /** Vert.x's name for the time a request waited for a pooled connection. */
  private static final String POOL_WAIT = "vertx.pool.queue.time";

  /** Outcome of an operation that succeeded; failures are labelled with their error code. */
  public static final String OK = "ok";

  private final PrometheusMeterRegistry registry = newRegistry();
  /** Vert.x keeps registries by name, JVM-wide: each gateway needs its own (tests run several in one JVM). */
  private final String registryName = "dbgateway-" + UUID.randomUUID();
  private final ConcurrentMap<List<String>, Timer> operations = new ConcurrentHashMap<>();
  private final io.dbgateway.auth.AuthFailures authFailures = new io.dbgateway.auth.AuthFailures(System::nanoTime);
  private final HttpServerMeters httpServer = new HttpServerMeters(registry);
  /** Set once this instance has joined a cluster (cluster mode). */
  private volatile ClusterManager clusterManager;

  /**
   * The registry, with its filter set before any meter is registered (Micrometer warns at start-up when a
   * filter comes after a meter, since that meter would not see it).
   */
  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals(POOL_WAIT)
            ? DistributionStatisticConfig.builder().serviceLevelObjectives(nanos()).build().merge(config)
            : config;
      }
    });
    return registry;
  }

  public GatewayMetrics() {
    // JVM-wide, as the access log is: the class holds the count, and keeps it reachable for the counter.
    FunctionCounter.builder("dbgateway.access.log.dropped", AsyncAccessAppender.class, type -> AsyncAccessAppender.dropped())
        .description("Access lines dropped because the access log's queue was full (the standard output was"
            + " not read fast enough); WARN and ERROR lines are never dropped")
        .register(registry);
    FunctionCounter.builder("dbgateway.auth.failures", authFailures, f -> f.failures() - f.slowed())
        .description("Failed authentications (a missing, unknown or wrong credential), by whether their answer"
            + " was delayed because their client address kept failing")
        .tag("slowed", "false").register(registry);
    FunctionCounter.builder("dbgateway.auth.failures", authFailures, f -> f.slowed())
        .description("Failed authentications (a missing, unknown or wrong credential), by whether their answer"
            + " was delayed because their client address kept failing")
        .tag("slowed", "true").register(registry);
  }

  /** A Vert.x that reports its pools (named per node), HTTP server, event bus and JVM into this registry. */
  public Vertx newVertx() {
    return Vertx.builder()
        .with(vertxOptions(metricsOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  private MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registryName)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        // The raw TCP byte counters of the database connections (vertx_net_client_*), updated on every read
        // and write of every statement: nothing documented reads them, and they cost the hot path.
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        // The HTTP server's meters are recorded by the gateway, with the same names (HttpServerMeters).
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
  }

  /**
   * A Vert.x instance whose event bus is clustered (cluster mode), with the same options and metrics as
   * {@link #newVertx()}, once it has joined the cluster; or {@link #newVertx()} when cluster mode is off.
   */
  public Future<Vertx> newVertx(ClusterConfig cluster) {
    if (!cluster.enabled()) {
      return Future.succeededFuture(newVertx());
    }
    VertxOptions vertxOptions = vertxOptions(metricsOptions());
    // The event bus listens on this instance's cluster host, on a free port of its own.
    vertxOptions.getEventBusOptions().setHost(cluster.host()).setClusterPublicHost(cluster.host()).setPort(0);
    ClusterManager manager = HazelcastCluster.manager(cluster);
    return Vertx.builder()
        .with(vertxOptions)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .onSuccess(joined -> registerMembership(manager));
  }

  /** The cluster's members, as this instance sees them: a gauge of their count and this member's id. */
  private void registerMembership(ClusterManager manager) {
    clusterManager = manager;
    Gauge.builder("dbgateway.cluster.members", manager, m -> m.isActive() ? m.getNodes().size() : 0)
        .description("Members of the gateway cluster as this instance sees them (cluster mode)")
        .register(registry);
    Gauge.builder("dbgateway.cluster.member", () -> 1)
        .description("This instance's member id in the gateway cluster (the label; the value is always 1)")
        .tag("member", manager.getNodeId())
        .register(registry);
  }

  /** The cluster manager this instance joined with, or null when it is a single instance. */
  public ClusterManager clusterManager() {
    return clusterManager;
  }

  /**
   * The readiness payload's view of the cluster: this member's id and the members it sees; a single
   * instance says it is not clustered. A member leaving never makes an instance unready.
   */
  public JsonObject clusterView() {
    ClusterManager manager = clusterManager;
    if (manager == null) {
      return new JsonObject().put("clustered", false);
    }
    return new JsonObject().put("clustered", true).put("self", manager.getNodeId())
        .put("members", new JsonArray(manager.isActive() ? manager.getNodes() : List.of()));
  }

  private static VertxOptions vertxOptions(MicrometerMetricsOptions metrics) {
    return new VertxOptions().setMetricsOptions(metrics)
        // One event loop per core, each with its own lane of connections (node.LanedPool).
        .setEventLoopPoolSize(io.dbgateway.node.PoolSetup.EVENT_LOOPS)
        // epoll on Linux when its native library loads (netty-transport-native-epoll); NIO elsewhere.
        .setPreferNativeTransport(true);
  }

  /** The HTTP server's meters ({@code vertx_http_server_*}), which the access log records. */
  public HttpServerMeters httpServer() {
    return httpServer;
  }

  /** The failed authentications of this gateway (every HTTP instance shares them), counted here. */
  public io.dbgateway.auth.AuthFailures authFailures() {
    return authFailures;
  }

  /** Answers {@code GET /metrics}: the Prometheus text format. */
  public Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }

  /** The Prometheus text {@code GET /metrics} answers now. */
  String scrape() {
    return registry.scrape();
  }

  /**
   * Records one operation served from the event bus, whatever adapter sent it.
   *
   * @param address the operation's event-bus address, which names the operation
   * @param outcome {@link #OK} or the error code
   */
  public void operation(String engine, String address, String outcome, long startNanos) {
    String operation = Addresses.operation(address);
    operations.computeIfAbsent(List.of(operation, engine, outcome), key -> Timer.builder("dbgateway.operation")
            .description("Operations served, by operation, engine and outcome (ok or the error code), and how long"
                + " they took, from the event-bus message to the reply")
            .tags("operation", operation, "engine", engine, "outcome", outcome)
            .serviceLevelObjectives(BUCKETS.toArray(Duration[]::new))
            .register(registry))
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** The state of one node's circuit breaker: 0 closed, 1 half-open, 2 open; and how often it opened. */
  public void breaker(NodeBreaker breaker) {
    Gauge.builder("dbgateway.breaker.state", breaker, b -> stateCode(b.state()))
        .description("The node's circuit breaker: 0 closed, 1 half-open (one probe call let through), 2 open"
            + " (calls answer 503 at once)")
        .tag("node", breaker.node())
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("dbgateway.breaker.opened", breaker, NodeBreaker::openings)
        .description("Times the node's circuit breaker opened")
        .tag("node", breaker.node())
        .register(registry);
  }

  static double stateCode(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /** Each Galera node as the monitor's latest poll judged it, and which node is the writer. */
  public void galera(GaleraMonitor monitor) {
    for (NodeView node : monitor.view().nodes()) {
      String name = node.node().toString();
      nodeGauge(monitor, name, "dbgateway.galera.node.up", "1 while the node answers its probes (3 timeouts in a"
          + " row or any error take it down, 2 passing probes bring it back)", v -> flag(v.up()));
      nodeGauge(monitor, name, "dbgateway.galera.node.ready", "wsrep_ready of the last probe: 1 ON, 0 OFF or no"
          + " answer", v -> flag(v.probe() != null && v.probe().ready()));
      nodeGauge(monitor, name, "dbgateway.galera.node.local.state", "wsrep_local_state of the last probe (4 Synced,"
          + " 2 Donor/Desynced); -1 without an answer", v -> v.probe() == null ? -1 : v.probe().localState());
      nodeGauge(monitor, name, "dbgateway.galera.node.eligible", "1 while the node may take traffic (Synced,"
          + " Primary, ready, not desynced, in the majority's cluster)", v -> flag(v.eligible()));
      nodeGauge(monitor, name, "dbgateway.galera.node.readable", "1 while reads may go to the node (eligible and"
          + " its receive queue short enough)", v -> flag(v.readable()));
      nodeGauge(monitor, name, "dbgateway.galera.node.recv.queue", "wsrep_local_recv_queue of the last probe; -1"
          + " without an answer", v -> v.probe() == null ? -1 : v.probe().recvQueue());
      Gauge.builder("dbgateway.galera.writer", monitor, m -> flag(name.equals(String.valueOf(m.view().writer()))))
          .description("1 for the node that takes writes now, 0 for the others (all 0: no eligible writer, writes"
              + " answer 503)")
          .tag("node", name)
          .strongReference(true)
          .register(registry);
    }
  }

  private void nodeGauge(GaleraMonitor monitor, String node, String name, String description,
      ToDoubleFunction<NodeView> value) {
    Gauge.builder(name, monitor, m -> {
          ClusterView view = m.view();
          return view.nodes().stream().filter(v -> v.node().toString().equals(node)).findFirst()
              .map(value::applyAsDouble).orElse(Double.NaN);
        })
        .description(description)
        .tag("node", node)
        .strongReference(true)
        .register(registry);
  }

  /** The interactive transactions open now in this process. */
  public void openTransactions(Supplier<Number> open) {
    Gauge.builder("dbgateway.transactions.open", open, s -> s.get().doubleValue())
        .description("Interactive transactions open now in this gateway process")
        .strongReference(true)
        .register(registry);
  }

  /** The bytes of request bodies held in memory now, across the process (bounded by GATEWAY_HTTP_BODIES_IN_FLIGHT_BYTES). */
  public void requestBodyBytes(Supplier<Number> held) {
    Gauge.builder("dbgateway.http.request.body.bytes", held, s -> s.get().doubleValue())
        .description("Bytes of request bodies held in memory now, before and while their requests run")
        .strongReference(true)
        .register(registry);
  }

  private static double flag(boolean value) {
    return value ? 1 : 0;
  }

  private static double[] nanos() {
    return BUCKETS.stream().mapToDouble(Duration::toNanos).toArray();
  }
}
