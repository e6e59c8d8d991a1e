import com.hazelcast.config.Config;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x application that joins the gateways' cluster and runs one query on the clustered event bus,
 * as any other service of yours would (docs/cluster.md). Run it with the gateway's jar on the class path
 * (it holds Vert.x and Hazelcast):
 *
 * <pre>
 * CLUSTER_NAME=dbgateway CLUSTER_MEMBERS=10.0.0.1:5701,10.0.0.2:5701 CLUSTER_HOST=10.0.0.9 CLUSTER_PORT=5701 \
 * DBGW_API_KEY=&lt;secret&gt; java -cp db-gateway.jar examples/cluster-client/ClusterClient.java "SELECT 1 AS one"
 * </pre>
 *
 * It prints the reply's JSON and exits 0, or prints the problem (its HTTP status and problem+json) and
 * exits 1.
 */
public class ClusterClient {

  public static void main(String[] args) throws Exception {
    String sql = args.length > 0 ? args[0] : "SELECT 1 AS one";
    Config config = ConfigUtil.loadConfig(); // Vert.x's maps for the event bus
    config.setClusterName(env("CLUSTER_NAME", "dbgateway"));
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", env("CLUSTER_HOST", "127.0.0.1"));
    config.getNetworkConfig().setPort(Integer.parseInt(env("CLUSTER_PORT", "5701"))).setPortAutoIncrement(false);
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    for (String member : env("CLUSTER_MEMBERS", "127.0.0.1:5701").split(",")) {
      config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember(member.trim());
    }
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(env("CLUSTER_HOST", "127.0.0.1"))
        .setClusterPublicHost(env("CLUSTER_HOST", "127.0.0.1")).setPort(0);
    Vertx vertx = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(config))
        .buildClustered().await(60, TimeUnit.SECONDS);
    int exit = 0;
    try {
      DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(30_000);
      String key = System.getenv("DBGW_API_KEY");
      if (key != null) {
        delivery.addHeader("dbgateway-api-key", key); // checked like a Bearer token
      }
      JsonObject reply = vertx.eventBus().<JsonObject>request("dbgateway.query",
          new JsonObject().put("sql", sql).put("params", new JsonArray()), delivery).await(60, TimeUnit.SECONDS).body();
      System.out.println(reply.encode());
    } catch (ReplyException e) {
      System.out.println("problem " + e.failureCode() + " " + e.getMessage());
      exit = 1;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
