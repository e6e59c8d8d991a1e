package io.dbgateway.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.dbgateway.config.ClusterConfig;
import io.dbgateway.config.HostAndPort;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The cluster manager of cluster mode: Hazelcast, joined over TCP to the listed members (never multicast),
 * under the cluster's name, on this instance's host and port. Why Hazelcast, and how it behaves when a
 * member dies or is cut off: docs/cluster.md.
 */
public final class HazelcastCluster {

  /** How long a silent member stays in the cluster: heartbeats every second, gone after this many missed. */
  static final int MEMBER_TIMEOUT_SECONDS = 10;
  /** How often a member cut off from the cluster looks for it again, to merge back. */
  static final int MERGE_DELAY_SECONDS = 5;

  private static final String ROLE_ATTRIBUTE = "dbgateway.role";
  private static final String GATEWAY = "gateway";
  /** Where HazelcastClusterManager keeps a member's Vert.x node id ({@link ClusterManager#getNodeId()}). */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private HazelcastCluster() {}

  /**
   * Tells {@code left} the node id of every member that leaves the cluster (dies, is dropped, or leaves),
   * from Hazelcast's membership events; the node id is Vert.x's ({@link ClusterManager#getNodeId()}).
   */
  public static void onMemberLeft(ClusterManager manager, Consumer<String> left) {
    if (manager instanceof HazelcastClusterManager hazelcast) {
      hazelcast.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {}

        @Override
        public void memberRemoved(MembershipEvent event) {
          left.accept(nodeId(event.getMember()));
        }
      });
    }
  }

  /**
   * Runs {@code merging} when this member finds that the cluster dropped it (it was cut off or paused past
   * the failure detector) and starts to merge back into the rest: Hazelcast's {@code MERGING} lifecycle event.
   * By then the others have told clients that what this member held is gone.
   */
  public static void onMerging(ClusterManager manager, Runnable merging) {
    if (manager instanceof HazelcastClusterManager hazelcast) {
      hazelcast.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
        if (event.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGING) {
          merging.run();
        }
      });
    }
  }

  /**
   * A member's Vert.x node id: the attribute Vert.x's cluster manager gives each member (a UUID of its own,
   * not Hazelcast's member UUID), or Hazelcast's UUID for a member without it.
   */
  private static String nodeId(com.hazelcast.cluster.Member member) {
    String vertxId = member.getAttribute(VERTX_NODE_ID);
    return vertxId != null ? vertxId : member.getUuid().toString();
  }

  /**
   * Tells {@code count} how many gateway instances the cluster holds now, and again at every change of
   * membership (Hazelcast's own membership events): other Vert.x members are not counted.
   */
  public static void watchGateways(ClusterManager manager, IntConsumer count) {
    if (!(manager instanceof HazelcastClusterManager hazelcast)) {
      return;
    }
    Cluster cluster = hazelcast.getHazelcastInstance().getCluster();
    Runnable recount = () -> count.accept((int) cluster.getMembers().stream()
        .filter(member -> GATEWAY.equals(member.getAttribute(ROLE_ATTRIBUTE))).count());
    cluster.addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        recount.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        recount.run();
      }
    });
    recount.run();
  }

  /** A cluster manager for {@code cluster}, which must be enabled. */
  public static ClusterManager manager(ClusterConfig cluster) {
    Config config = config(cluster);
    // Marks this member as a gateway, so that gateways can be counted apart from other services.
    config.getMemberAttributeConfig().setAttribute(ROLE_ATTRIBUTE, GATEWAY);
    return new HazelcastClusterManager(config);
  }

  /**
   * Vert.x's default Hazelcast configuration (its maps for the event bus), with the cluster's settings:
   * what any member of the cluster needs, a gateway or another service.
   */
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
    // A member that was cut off (paused, partitioned) and dropped looks for the rest of the cluster every
    // few seconds and merges back into it (Hazelcast waits 300 s by default before the first try).
    config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_DELAY_SECONDS));
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
