package io.dbgateway.db;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.PoolConfig;
import io.dbgateway.config.SslMode;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the connection pools for one database on one node, from the config: {@code DB_NAME}'s, or those
 * of another database of {@code GATEWAY_DATABASES} ({@link DatabaseConfig#forDatabase}), which are named
 * {@code <engine>-<database>@<node>} and bounded alike.
 */
public final class Pools {

  private Pools() {}

  /**
   * @param maxTransactions how many interactive transactions may hold a connection of this node at once
   *     ({@code GATEWAY_TX_MAX_OPEN}), shared out among the lanes
   * @param reset how the engine puts a session back as new ({@link Dialect#sessionReset})
   */
  public static ConnectionSource create(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, ConnectionSource.SessionReset reset) {
    if (db.type() == io.dbgateway.config.DbType.SQLITE) {
      return sqlite(vertx, db, pool, maxTransactions, reset);
    }
    return server(vertx, db, pool, node, defaultTimeoutMs, maxTransactions, "", reset);
  }

  /**
   * The node's pools that log in as the read-only {@code DB_READ_USER}: as many connections as the main
   * ones, named {@code <engine>-<node>/read}. Null when no read-only login is configured.
   */
  public static ConnectionSource createReadOnly(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, ConnectionSource.SessionReset reset) {
    if (db.readUser() == null || db.type() == io.dbgateway.config.DbType.SQLITE) {
      return null;
    }
    return server(vertx, db.asReadUser(), pool, node, defaultTimeoutMs, maxTransactions, "/read", reset);
  }

  private static ConnectionSource server(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, String role, ConnectionSource.SessionReset reset) {
    List<Integer> sizes = ConnectionSource.laneSizes(pool.size(), EVENT_LOOPS);
    List<Pool> lanes = new ArrayList<>(sizes.size());
    String target = db.isMain() ? node.toString() : db.name() + "@" + node;
    for (int lane = 0; lane < sizes.size(); lane++) {
      // Lane 0 keeps the node's plain pool name, so a pool of one lane is named as it always was.
      String suffix = role + (lane == 0 ? "" : "/lane" + lane);
      PoolOptions options = options(pool, sizes.get(lane), sizes.size()).setEventLoopSize(0);
      lanes.add(switch (db.type()) {
        case POSTGRESQL -> postgres(vertx, db, pool, options.setName("pg-" + target + suffix), node, defaultTimeoutMs);
        case MYSQL -> mysql(vertx, db, pool, options.setName("mysql-" + target + suffix), node);
        case SQLITE -> throw new AssertionError("SQLite has its own pools");
      });
    }
    return new ConnectionSource(lanes, sizes, null, 0, maxTransactions, node.toString(), reset,
        pool.resetEverySession());
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

  static PoolOptions options(PoolConfig pool, String name, int size) {
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

  private static Pool postgres(Vertx vertx, DatabaseConfig db, PoolConfig pool, PoolOptions options, HostAndPort node, long defaultTimeoutMs) {
    PgConnectOptions connect = new PgConnectOptions();
    // A startup parameter: every session begins with the default statement timeout, at no extra round trip.
    connect.addProperty("statement_timeout", Long.toString(defaultTimeoutMs));
    connect
        .setHost(node.host()).setPort(node.port()).setDatabase(db.name())
        .setUser(db.user()).setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256);
    if (db.sslMode() != SslMode.DISABLE) {
      connect.setSslMode(db.sslMode() == SslMode.VERIFY_FULL ? io.vertx.pgclient.SslMode.VERIFY_FULL : io.vertx.pgclient.SslMode.REQUIRE);
      connect.setSslOptions(ssl(db));
    }
    return PgBuilder.pool()
        .with(options)
        .with(transport(pool))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  private static Pool mysql(Vertx vertx, DatabaseConfig db, PoolConfig pool, PoolOptions options, HostAndPort node) {
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(node.host()).setPort(node.port()).setDatabase(db.name())
        .setUser(db.user()).setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256);
    if (db.sslMode() != SslMode.DISABLE) {
      connect.setSslMode(db.sslMode() == SslMode.VERIFY_FULL
          ? io.vertx.mysqlclient.SslMode.VERIFY_IDENTITY : io.vertx.mysqlclient.SslMode.REQUIRED);
      connect.setSslOptions(ssl(db));
    }
    return MySQLBuilder.pool()
        .with(options)
        .with(transport(pool))
        .connectingTo(connect)
        .withConnectHandler(conn -> MySqlConnectionIds.setUp(vertx, connect, conn).onComplete(done -> conn.close()))
        .using(vertx)
        .build();
  }

  private static NetClientOptions transport(PoolConfig pool) {
    return new NetClientOptions().setConnectTimeout((int) pool.connectTimeout().toMillis()).setTcpNoDelay(true);
  }

  private static ClientSSLOptions ssl(DatabaseConfig db) {
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

  /**
   * SQLite in WAL mode: one writer connection, and read connections that the database keeps read-only.
   * Only {@code DB_NAME}'s file is made when missing (migrations fill it); another database's must exist.
   */
  private static ConnectionSource sqlite(Vertx vertx, DatabaseConfig db, PoolConfig pool, int maxTransactions,
      ConnectionSource.SessionReset reset) {
    String file = db.sqliteFile().toString();
    String target = db.isMain() ? "" : "@" + db.name();
    Pool writer = JDBCPool.pool(vertx, new SqliteDataSource(file, false, db.isMain()),
        options(pool, "sqlite-writer" + target, 1));
    Pool reader = JDBCPool.pool(vertx, new SqliteDataSource(file, true, false),
        options(pool, "sqlite-reader" + target, pool.size()));
    // The one writer connection may hold a write transaction (SQLite has one writer at a time, whatever the
    // pool); read-only transactions take their share of the readers.
    return new ConnectionSource(List.of(writer), List.of(1), reader, pool.size(), maxTransactions, file, reset,
        pool.resetEverySession());
  }
}
