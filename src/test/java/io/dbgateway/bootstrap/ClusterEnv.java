package io.dbgateway.bootstrap;

import io.dbgateway.cluster.HazelcastCluster;
import io.dbgateway.config.ClusterConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The environment of one gateway of a test cluster: its database, its HTTP port and its cluster settings. */
final class ClusterEnv {

  private ClusterEnv() {}

  /**
   * A gateway of the cluster on {@code postgres}.
   *
   * @param name the cluster's name (unique per test, so that runs never join each other)
   * @param members {@code GATEWAY_CLUSTER_MEMBERS}
   * @param apiKeys {@code GATEWAY_API_KEYS}
   * @return a mutable map, for settings a test adds
   */
  static Map<String, String> of(ThrowawayPostgres postgres, String name, String members, int clusterPort,
      int httpPort, String apiKeys) {
    Map<String, String> env = of(name, members, clusterPort, httpPort, apiKeys);
    env.put("DB_TYPE", "postgresql");
    env.put("DB_HOST", postgres.host());
    env.put("DB_PORT", Integer.toString(postgres.port()));
    env.put("DB_NAME", postgres.database());
    env.put("DB_USER", postgres.user());
    env.put("DB_PASS", postgres.password());
    return env;
  }

  /** The cluster and HTTP settings alone, for a test that names its database itself. */
  static Map<String, String> of(String name, String members, int clusterPort, int httpPort, String apiKeys) {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_HTTP_PORT", Integer.toString(httpPort));
    env.put("GATEWAY_API_KEYS", apiKeys);
    env.put("GATEWAY_CLUSTER", "true");
    env.put("GATEWAY_CLUSTER_NAME", name);
    env.put("GATEWAY_CLUSTER_HOST", "127.0.0.1");
    env.put("GATEWAY_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("GATEWAY_CLUSTER_MEMBERS", members);
    return env;
  }

  /** A plain Vert.x application joining the cluster {@code name}, as another service would. */
  static Vertx joinedMember(String name, int port, List<HostAndPort> members) throws Exception {
    ClusterConfig config = new ClusterConfig(true, members, "127.0.0.1", port, name);
    io.vertx.core.VertxOptions options = new io.vertx.core.VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1").setPort(0);
    return Vertx.builder().with(options)
        .withClusterManager(new HazelcastClusterManager(HazelcastCluster.config(config)))
        .buildClustered().await(120, TimeUnit.SECONDS);
  }
}
