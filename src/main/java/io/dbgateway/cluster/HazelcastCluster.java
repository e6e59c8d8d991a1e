package io.dbgateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.dbgateway.config.ClusterConfig;
import io.dbgateway.config.HostAndPort;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The cluster manager of cluster mode: Hazelcast, joined over TCP to the listed members (never multicast),
 * under the cluster's name, on this instance's host and port. Why Hazelcast, and how it behaves when a
 * member dies or is cut off: docs/cluster.md.
 */
public final class HazelcastCluster {

  /** How long a silent member stays in the cluster: heartbeats every second, gone after this many missed. */
  static final int MEMBER_TIMEOUT_SECONDS = 10;

  private HazelcastCluster() {}

  /** A cluster manager for {@code cluster}, which must be enabled. */
  public static ClusterManager manager(ClusterConfig cluster) {
    return new HazelcastClusterManager(config(cluster));
  }

  /** Vert.x's default Hazelcast configuration (its maps for the event bus), with the cluster's settings. */
  public static Config config(ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The gateway leaves the cluster itself when it shuts down, after its HTTP drain: not Hazelcast's hook,
    // which would leave first and strand the requests still in flight.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MEMBER_TIMEOUT_SECONDS));
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
    join.getTcpIpConfig().addMember(new HostAndPort(cluster.host(), cluster.port()).toString());
    for (HostAndPort member : cluster.members()) {
      join.getTcpIpConfig().addMember(member.toString());
    }
    return config;
  }
}
