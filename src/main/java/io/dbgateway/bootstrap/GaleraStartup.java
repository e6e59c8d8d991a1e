package io.dbgateway.bootstrap;

import io.dbgateway.cluster.SharedGaleraWriter;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.galera.GaleraMonitor;
import io.dbgateway.galera.GaleraNodeChooser;
import io.dbgateway.galera.GaleraVerticle;
import io.dbgateway.galera.WriterAgreement;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.node.NodeChooser;
import io.dbgateway.node.Node;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Galera's part of start-up: poll every node, wait for an eligible writer, then choose nodes by the monitor's view. */
final class GaleraStartup {

  /** Nodes need two passing probes to be up, so a writer is known after a few polls. */
  private static final int WRITER_WAIT_POLLS = 30;

  private GaleraStartup() {}

  /** The monitor, deployed and polling, once it has found a writer; fails start-up if none becomes eligible. */
  static Future<GaleraMonitor> awaitWriter(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    // In cluster mode every instance writes to one writer, chosen in the cluster manager (docs/cluster.md).
    WriterAgreement shared = metrics.clusterManager() == null ? null : new SharedGaleraWriter(vertx,
        metrics.clusterManager(), config.cluster(), config.database().hosts(), config.galera().pollInterval());
    GaleraMonitor monitor = new GaleraMonitor(vertx, config.database(), config.galera(), shared);
    metrics.galera(monitor);
    return vertx.deployVerticle(new GaleraVerticle(monitor))
        // A cluster's instance also waits to see a majority of the instances, which may be starting too.
        .compose(deployed -> monitor.awaitWriter(shared == null ? WRITER_WAIT_POLLS : 4 * WRITER_WAIT_POLLS))
        .compose(view -> view.writer() == null
            ? Future.failedFuture(new StartupException("no Galera node is eligible to take writes: "
                + view.toJson().encode()))
            : Future.succeededFuture(monitor));
  }

  /** Chooses among every node of {@code DB_HOST} by the monitor's view. */
  static NodeChooser chooser(GaleraMonitor monitor, GatewayConfig config, Function<HostAndPort, Node> nodes) {
    Map<HostAndPort, Node> byHost = new LinkedHashMap<>();
    config.database().hosts().forEach(node -> byHost.put(node, nodes.apply(node)));
    int retryAfter = (int) Math.max(1, (config.galera().pollInterval().toMillis() + 999) / 1000);
    return new GaleraNodeChooser(monitor, byHost, retryAfter);
  }
}
