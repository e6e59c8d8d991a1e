package io.dbgateway.config;

import java.util.List;

/**
 * Cluster mode: whether this instance joins a clustered event bus, and how.
 *
 * @param members the members to join (TCP discovery, no multicast); empty: this one starts the cluster
 * @param host this instance's cluster address, which other members list
 * @param port this instance's cluster-manager port
 * @param name the cluster's name: members join only a cluster of the same name
 */
public record ClusterConfig(boolean enabled, List<HostAndPort> members, String host, int port, String name) {

  /** Hazelcast's default member port, for a member listed without one. */
  public static final int DEFAULT_PORT = 5701;

  /** A single instance, as without cluster mode. */
  public static final ClusterConfig OFF = new ClusterConfig(false, List.of(), "127.0.0.1", DEFAULT_PORT, "dbgateway");

  public ClusterConfig {
    members = List.copyOf(members);
  }
}
