package io.dbgateway.node;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.PoolConfig;
import io.dbgateway.config.SslMode;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How every engine sets up its pools: one lane per event loop for a server's connections, named
 * {@code <engine>-<node>}, or {@code <engine>-<database>@<node>} for another database of {@code
 * GATEWAY_DATABASES}, bounded alike; the lane options, the TCP options and TLS. Each driver builds its
 * own pools with these ({@code driver.Driver#connections}) and gets a {@link LanedPool} back.
 */
public final class PoolSetup {

  private PoolSetup() {}

  /** Builds the pool of one lane of a server's connections, from options that carry its name and size. */
  @FunctionalInterface
  public interface LaneFactory {
    Pool build(PoolOptions options);
  }

  /**
   * A server's connections to {@code db} on {@code node}, one lane per event loop, each lane's pool named
   * {@code <prefix>-<node><role>[/lane<n>]}.
   *
   * @param role "" for the main login, "/read" for {@code DB_READ_USER}'s
   */
  public static LanedPool serverLanes(DatabaseConfig db, PoolConfig pool, HostAndPort node, int maxTransactions,
      String role, LanedPool.SessionReset reset, LanedPool.Closer closer, String prefix,
      LaneFactory lanePool) {
    List<Integer> sizes = LanedPool.laneSizes(pool.size(), EVENT_LOOPS);
    List<Pool> lanes = new ArrayList<>(sizes.size());
    String target = db.isMain() ? node.toString() : db.name() + "@" + node;
    for (int lane = 0; lane < sizes.size(); lane++) {
      // Lane 0 keeps the node's plain pool name, so a pool of one lane is named as it always was.
      String suffix = role + (lane == 0 ? "" : "/lane" + lane);
      PoolOptions options = options(pool, sizes.get(lane), sizes.size()).setEventLoopSize(0);
      lanes.add(lanePool.build(options.setName(prefix + "-" + target + suffix)));
    }
    return new LanedPool(lanes, sizes, null, 0, maxTransactions, node.toString(), reset,
        pool.resetEverySession(), closer);
  }

  /**
   * The event loops that serve requests: Vert.x runs one per core ({@code GatewayMetrics.newVertx}), and
   * each gets a lane of every server's connections.
   */
  public static final int EVENT_LOOPS = Runtime.getRuntime().availableProcessors();

  /** A lane's pool options: {@code size} connections, and its share of the wait queue. */
  private static PoolOptions options(PoolConfig pool, int size, int lanes) {
    int queue = pool.maxWaitQueue() <= 0 ? pool.maxWaitQueue() : Math.max(1, (pool.maxWaitQueue() + lanes - 1) / lanes);
    return options(pool, "lane", size).setMaxWaitQueueSize(queue);
  }

  /** The options of a pool of {@code size} connections named {@code name}. */
  public static PoolOptions options(PoolConfig pool, String name, int size) {
    return new PoolOptions()
        .setName(name)
        .setMaxSize(size)
        .setMaxWaitQueueSize(pool.maxWaitQueue())
        .setConnectionTimeout((int) pool.waitTimeout().toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout((int) pool.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxLifetime((int) pool.maxLifetime().toSeconds())
        .setMaxLifetimeUnit(TimeUnit.SECONDS)
        .setPoolCleanerPeriod(1000)
        .setEventLoopSize(Math.max(1, Math.min(size, Runtime.getRuntime().availableProcessors())));
  }

  /** The TCP options of a server's connections. */
  public static NetClientOptions transport(PoolConfig pool) {
    return new NetClientOptions().setConnectTimeout((int) pool.connectTimeout().toMillis()).setTcpNoDelay(true);
  }

  /** TLS to a server, as {@code DB_SSL_MODE} and {@code DB_SSL_CA} ask (the engine maps the mode itself). */
  public static ClientSSLOptions ssl(DatabaseConfig db) {
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (db.sslCa() != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(db.sslCa().toString()));
    } else {
      // require without a CA encrypts without checking who answers, as libpq's sslmode=require does.
      ssl.setTrustAll(true);
    }
    ssl.setHostnameVerificationAlgorithm(db.sslMode() == SslMode.VERIFY_FULL ? "HTTPS" : "");
    return ssl;
  }
}
