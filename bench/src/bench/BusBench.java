package bench;

import io.dbgateway.bootstrap.BootstrapVerticle;
import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's event-bus side: the gateway runs in this JVM (its root verticle, configured from the
 * environment as {@code java -jar db-gateway.jar} is), and a load verticle in the same JVM keeps a fixed
 * number of point SELECTs in flight on the address {@code dbgateway.query}, closed loop, as
 * {@link DirectPoolBench} does on a pool.
 *
 * <p>It only uses what an application embedding the gateway would: {@code ConfigLoader.load},
 * {@code GatewayMetrics}, {@code BootstrapVerticle}, and the public event-bus contract (a JSON body
 * {@code {"sql": ..., "params": [...]}} and a JSON reply with {@code rows}).
 *
 * <p>With the system property {@code cluster.members}, it starts no gateway: it joins the gateway's
 * cluster as a plain Vert.x member ({@code cluster.name}, {@code cluster.members}, {@code cluster.port})
 * and sends with the API key {@code api.key} in the {@code dbgateway-api-key} header, as another service
 * of the cluster would (docs/cluster.md).
 *
 * <p>Settings: the gateway's own environment variables (DB_*, GATEWAY_*), and system properties
 * {@code concurrency} (32), {@code accounts} (100000), {@code warmup.seconds}, {@code duration.seconds}.
 * It prints {@code RESULT rps=... p50_ms=... p99_ms=... requests=... errors=...} like DirectPoolBench.
 */
public final class BusBench {

  static final String ADDRESS = "dbgateway.query";
  static final String SQL = "SELECT abalance FROM pgbench_accounts WHERE aid = ?";

  public static void main(String[] args) throws Exception {
    int concurrency = Integer.getInteger("concurrency", 32);
    int accounts = Integer.getInteger("accounts", 100_000);
    long warmupNs = TimeUnit.SECONDS.toNanos(Integer.getInteger("warmup.seconds", 5));
    long measureNs = TimeUnit.SECONDS.toNanos(Integer.getInteger("duration.seconds", 10));

    Vertx vertx;
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(30_000);
    if (System.getProperty("cluster.members") != null) {
      // Remote: this JVM is another member of the gateway's cluster, and sends with an API key.
      vertx = clusterMember();
      options.addHeader("dbgateway-api-key", System.getProperty("api.key"));
      System.err.println("joined the cluster; load: " + concurrency + " in flight on " + ADDRESS);
    } else {
      GatewayConfig config = ConfigLoader.load(System.getenv());
      GatewayMetrics metrics = new GatewayMetrics();
      vertx = metrics.newVertx();
      try {
        io.dbgateway.driver.Driver driver = io.dbgateway.driver.Drivers.of(config.database().type());
        vertx.deployVerticle(new BootstrapVerticle(config, driver, metrics,
            BootstrapVerticle.loadNamedQueries(config, driver))).await(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("the gateway did not start: " + e);
        vertx.close();
        System.exit(2);
      }
      System.err.println("gateway started in process; load: " + concurrency + " in flight on " + ADDRESS);
    }

    Load load = new Load(concurrency, accounts, warmupNs, measureNs, options);
    vertx.deployVerticle(load).await();
    Load.Outcome outcome;
    try {
      outcome = load.done.future().await(warmupNs + measureNs + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      System.err.println("the load did not finish in time: " + e);
      System.exit(1);
      return;
    }
    long[] all = outcome.latencies();
    Arrays.sort(all);
    double seconds = measureNs / 1e9;
    System.out.printf("RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d errors=%d%n",
        all.length / seconds, Measured.ms(all, 0.50), Measured.ms(all, 0.90),
        Measured.ms(all, 0.99), all.length == 0 ? 0.0 : all[all.length - 1] / 1e6, all.length,
        outcome.errors());
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("closing Vert.x: " + e);
    }
    System.exit(outcome.errors() == 0 && all.length > 0 ? 0 : 1);
  }


  /**
   * A plain Vert.x joined to the gateway's cluster (system properties {@code cluster.name},
   * {@code cluster.members}, {@code cluster.port}), as another service of the cluster would be.
   */
  static Vertx clusterMember() throws Exception {
    java.util.List<io.dbgateway.config.HostAndPort> members = new java.util.ArrayList<>();
    for (String member : System.getProperty("cluster.members").split(",")) {
      String[] hostPort = member.trim().split(":");
      members.add(new io.dbgateway.config.HostAndPort(hostPort[0], Integer.parseInt(hostPort[1])));
    }
    io.dbgateway.config.ClusterConfig cluster = new io.dbgateway.config.ClusterConfig(true, members, "127.0.0.1",
        Integer.getInteger("cluster.port"), System.getProperty("cluster.name"));
    io.vertx.core.VertxOptions options = new io.vertx.core.VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1").setPort(0);
    return Vertx.builder().with(options)
        .withClusterManager(new io.vertx.spi.cluster.hazelcast.HazelcastClusterManager(
            io.dbgateway.cluster.HazelcastCluster.config(cluster)))
        .buildClustered().await(120, TimeUnit.SECONDS);
  }

  /** Keeps {@code concurrency} requests in flight from one event loop, and records their latencies. */
  static final class Load extends VerticleBase {
    record Outcome(long[] latencies, long errors) {}

    final int concurrency, accounts;
    final long warmupNs, measureNs;
    final Promise<Outcome> done = Promise.promise();
    final DeliveryOptions options;
    long measureFrom, measureTo;
    long[] latencies = new long[1 << 16];
    int count;
    long errors;
    int running;

    Load(int concurrency, int accounts, long warmupNs, long measureNs, DeliveryOptions options) {
      this.concurrency = concurrency; this.accounts = accounts; this.warmupNs = warmupNs; this.measureNs = measureNs;
      this.options = options;
    }

    @Override
    public Future<?> start() {
      long start = System.nanoTime();
      measureFrom = start + warmupNs;
      measureTo = measureFrom + measureNs;
      Measured.window(measureFrom, measureTo);
      running = concurrency;
      for (int i = 0; i < concurrency; i++) {
        next();
      }
      return Future.succeededFuture();
    }

    void next() {
      long sent = System.nanoTime();
      if (sent >= measureTo) {
        if (--running == 0) {
          done.complete(new Outcome(Arrays.copyOf(latencies, count), errors));
        }
        return;
      }
      int aid = ThreadLocalRandom.current().nextInt(1, accounts + 1);
      JsonObject body = new JsonObject().put("sql", SQL).put("params", new JsonArray().add(aid));
      vertx.eventBus().request(ADDRESS, body, options).onComplete(ar -> {
        long end = System.nanoTime();
        if (ar.failed()) {
          if (errors++ < 5) System.err.println("request failed: " + ar.cause());
        } else if (!oneRow(ar.result().body())) {
          if (errors++ < 5) System.err.println("unexpected reply: " + ar.result().body());
        } else if (sent >= measureFrom && end <= measureTo) {
          if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
          latencies[count++] = end - sent;
        }
        next();
      });
    }

    /** Whether a reply is a JSON object whose {@code rows} hold one row (whatever form the JSON comes in). */
    static boolean oneRow(Object body) {
      JsonObject json;
      if (body instanceof JsonObject o) json = o;
      else if (body instanceof Buffer b) json = new JsonObject(b);
      else if (body instanceof String s) json = new JsonObject(s);
      else return false;
      JsonArray rows = json.getJsonArray("rows");
      return rows != null && rows.size() == 1;
    }
  }
}
