package io.dbgateway.driver.mysql;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.DbType;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.PoolConfig;
import io.dbgateway.config.SslMode;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.Jdbc;
import io.dbgateway.driver.SocketConnections;
import io.dbgateway.error.Problem;
import io.dbgateway.node.LanedPool;
import io.dbgateway.node.PoolSetup;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.Locale;

/** MySQL 8, MariaDB and Galera: vertx-mysql-client for the work, MariaDB Connector/J for start-up and Flyway. */
public final class MySqlDriver implements Driver {

  public static final MySqlDriver INSTANCE = new MySqlDriver();

  private MySqlDriver() {}

  @Override
  public DbType type() {
    return DbType.MYSQL;
  }

  @Override
  public SqlSyntax syntax() {
    return SqlSyntax.MYSQL;
  }

  @Override
  public void warmUp() {
    java.sql.DriverManager.getDrivers();
  }

  @Override
  public boolean mayBeGalera() {
    return true;
  }

  @Override
  public String jdbcUrl(Jdbc node) {
    DatabaseConfig db = node.db();
    return "jdbc:mariadb://" + node.node() + "/" + db.name() + "?connectTimeout=" + node.connectTimeoutSeconds() * 1000
        + (db.sslMode() == SslMode.DISABLE ? "" : "&sslMode=" + (db.sslMode() == SslMode.REQUIRE ? "trust" : "verify-full"))
        + (db.sslCa() == null ? "" : "&serverSslCert=" + db.sslCa());
  }

  /**
   * A MariaDB Connector/J URL that connects to the first of {@code node} and then {@code others} that
   * answers, in that order ({@code jdbc:mariadb:sequential://}): for work any node of a Galera cluster
   * can do, which must go on when this node is gone.
   */
  static String urlTryingInOrder(Jdbc node, List<HostAndPort> others) {
    StringBuilder hosts = new StringBuilder(node.node().toString());
    others.stream().filter(other -> !other.equals(node.node())).forEach(other -> hosts.append(',').append(other));
    return node.url().replaceFirst(java.util.regex.Pattern.quote("jdbc:mariadb://" + node.node() + "/"),
        java.util.regex.Matcher.quoteReplacement("jdbc:mariadb:sequential://" + hosts + "/"));
  }

  @Override
  public LanedPool connections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset) {
    return PoolSetup.serverLanes(db, pool, node, maxTransactions, "", reset,
        SocketConnections::closeNow, "mysql",
        options -> pool(vertx, db, pool, options, node));
  }

  @Override
  public LanedPool readOnlyConnections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset) {
    DatabaseConfig reader = db.readUser() == null ? null : db.asReadUser();
    return reader == null ? null : PoolSetup.serverLanes(reader, pool, node, maxTransactions, "/read", reset,
        SocketConnections::closeNow, "mysql",
        options -> pool(vertx, reader, pool, options, node));
  }

  private static Pool pool(Vertx vertx, DatabaseConfig db, PoolConfig pool, PoolOptions options, HostAndPort node) {
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(node.host()).setPort(node.port()).setDatabase(db.name())
        .setUser(db.user()).setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256);
    if (db.sslMode() != SslMode.DISABLE) {
      connect.setSslMode(db.sslMode() == SslMode.VERIFY_FULL
          ? io.vertx.mysqlclient.SslMode.VERIFY_IDENTITY : io.vertx.mysqlclient.SslMode.REQUIRED);
      connect.setSslOptions(PoolSetup.ssl(db));
    }
    return MySQLBuilder.pool()
        .with(options)
        .with(PoolSetup.transport(pool))
        .connectingTo(connect)
        .withConnectHandler(conn -> MySqlConnectionIds.setUp(vertx, connect, conn).onComplete(done -> conn.close()))
        .using(vertx)
        .build();
  }

  @Override
  public Dialect dialect(Vertx vertx, Jdbc reached, String serverVersion, boolean galera, long defaultTimeoutMs) {
    // On Galera the column type probe starts on the writer and moves to the next node that answers
    // when its node is gone (schemas are the same on every node).
    DatabaseConfig db = reached.db();
    return new MySqlDialect(serverVersion.toLowerCase(Locale.ROOT).contains("mariadb"), galera,
        new MySqlColumnTypes(vertx, galera ? urlTryingInOrder(reached, db.hosts()) : reached.url(),
            db.user(), db.password()));
  }

  @Override
  public boolean provesNotCommitted(Throwable databaseError) {
    return databaseError instanceof DatabaseException db && MySqlErrors.NOT_COMMITTED.contains(db.getErrorCode());
  }

  @Override
  public boolean meansServerFailing(Throwable engineError) {
    return engineError instanceof DatabaseException db && MySqlErrors.SERVER_GONE.contains(db.getErrorCode());
  }

  /** Galera's node refusing work (1047), or losing the Primary Component under it (1180). */
  @Override
  public boolean meansNodeNotReady(int code) {
    return code == MySqlErrors.NODE_NOT_READY || code == MySqlErrors.NOT_PRIMARY_AT_COMMIT;
  }

  /** Galera lost quorum during COMMIT (1180). */
  @Override
  public boolean meansCommitOutcomeUnknown(int code) {
    return code == MySqlErrors.NOT_PRIMARY_AT_COMMIT;
  }

  @Override
  public boolean meansPermissionDenied(Problem problem) {
    return "42000".equals(problem.sqlState()) && problem.dbCode() != null
        && MySqlErrors.ACCESS_DENIED.contains(problem.dbCode());
  }
}
