package io.dbgateway.driver.postgres;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.DbType;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.PoolConfig;
import io.dbgateway.config.SslMode;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.Jdbc;
import io.dbgateway.driver.SocketConnections;
import io.dbgateway.node.LanedPool;
import io.dbgateway.node.PoolSetup;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Set;

/** PostgreSQL: vertx-pg-client for the work, pgJDBC for start-up and Flyway. */
public final class PostgresDriver implements Driver {

  public static final PostgresDriver INSTANCE = new PostgresDriver();

  /** SQLSTATEs after which the transaction provably did not commit: serialization failure, deadlock. */
  private static final Set<String> NOT_COMMITTED = Set.of("40001", "40P01");

  private PostgresDriver() {}

  @Override
  public DbType type() {
    return DbType.POSTGRESQL;
  }

  @Override
  public SqlSyntax syntax() {
    return SqlSyntax.POSTGRESQL;
  }

  @Override
  public void warmUp() {
    java.sql.DriverManager.getDrivers();
  }

  @Override
  public String jdbcUrl(Jdbc node) {
    DatabaseConfig db = node.db();
    return "jdbc:postgresql://" + node.node() + "/" + db.name() + "?connectTimeout=" + node.connectTimeoutSeconds()
        + "&sslmode=" + (db.sslMode() == SslMode.DISABLE ? "disable" : db.sslMode() == SslMode.REQUIRE ? "require" : "verify-full")
        + (db.sslCa() == null ? "" : "&sslrootcert=" + db.sslCa());
  }

  @Override
  public LanedPool connections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset) {
    return PoolSetup.serverLanes(db, pool, node, maxTransactions, "", reset,
        SocketConnections::closeNow, "pg",
        options -> pool(vertx, db, pool, options, node, defaultTimeoutMs));
  }

  @Override
  public LanedPool readOnlyConnections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset) {
    DatabaseConfig reader = db.readUser() == null ? null : db.asReadUser();
    return reader == null ? null : PoolSetup.serverLanes(reader, pool, node, maxTransactions, "/read", reset,
        SocketConnections::closeNow, "pg",
        options -> pool(vertx, reader, pool, options, node, defaultTimeoutMs));
  }

  private static Pool pool(Vertx vertx, DatabaseConfig db, PoolConfig pool, PoolOptions options, HostAndPort node, long defaultTimeoutMs) {
    PgConnectOptions connect = new PgConnectOptions();
    // A startup parameter: every session begins with the default statement timeout, at no extra round trip
    // (PostgresDialect sets it per statement only when a request asks for another).
    connect.addProperty("statement_timeout", Long.toString(defaultTimeoutMs));
    connect
        .setHost(node.host()).setPort(node.port()).setDatabase(db.name())
        .setUser(db.user()).setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256);
    if (db.sslMode() != SslMode.DISABLE) {
      connect.setSslMode(db.sslMode() == SslMode.VERIFY_FULL ? io.vertx.pgclient.SslMode.VERIFY_FULL : io.vertx.pgclient.SslMode.REQUIRE);
      connect.setSslOptions(PoolSetup.ssl(db));
    }
    return PgBuilder.pool()
        .with(options)
        .with(PoolSetup.transport(pool))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  @Override
  public Dialect dialect(Vertx vertx, Jdbc reached, String serverVersion, boolean galera, long defaultTimeoutMs) {
    return new PostgresDialect(defaultTimeoutMs);
  }

  @Override
  public boolean provesNotCommitted(Throwable databaseError) {
    return databaseError instanceof DatabaseException db && NOT_COMMITTED.contains(db.getSqlState());
  }
}
