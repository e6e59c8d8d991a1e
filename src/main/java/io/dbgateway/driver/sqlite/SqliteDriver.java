package io.dbgateway.driver.sqlite;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.DbType;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.PoolConfig;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.Jdbc;
import io.dbgateway.node.LanedPool;
import io.dbgateway.node.PoolSetup;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** SQLite, one file ({@code DB_SQLITE_FILE}) in WAL mode, through the JDBC driver on worker threads. */
public final class SqliteDriver implements Driver {

  public static final SqliteDriver INSTANCE = new SqliteDriver();

  private SqliteDriver() {}

  @Override
  public DbType type() {
    return DbType.SQLITE;
  }

  @Override
  public SqlSyntax syntax() {
    return SqlSyntax.SQLITE;
  }

  /** Extracts and loads the native library and sets up its date formats. */
  @Override
  public void warmUp() throws Exception {
    org.sqlite.SQLiteJDBCLoader.initialize();
    new org.sqlite.SQLiteConfig();
  }

  @Override
  public boolean hasServers() {
    return false;
  }

  @Override
  public String jdbcUrl(Jdbc node) {
    return "jdbc:sqlite:" + node.db().sqliteFile();
  }

  @Override
  public Connection connect(Jdbc node) throws SQLException {
    return new SqliteDataSource(node.db().sqliteFile().toString(), false).getConnection();
  }

  @Override
  public void migrateThrough(FluentConfiguration flyway, Jdbc node) {
    flyway.dataSource(new SqliteDataSource(node.db().sqliteFile().toString(), false));
  }

  /**
   * SQLite in WAL mode: one writer connection, and read connections that the database keeps read-only.
   * Only {@code DB_NAME}'s file is made when missing (migrations fill it); another database's must exist.
   */
  @Override
  public LanedPool connections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset) {
    String file = db.sqliteFile().toString();
    String target = db.isMain() ? "" : "@" + db.name();
    Pool writer = JDBCPool.pool(vertx, new SqliteDataSource(file, false, db.isMain()),
        PoolSetup.options(pool, "sqlite-writer" + target, 1));
    Pool reader = JDBCPool.pool(vertx, new SqliteDataSource(file, true, false),
        PoolSetup.options(pool, "sqlite-reader" + target, pool.size()));
    // The one writer connection may hold a write transaction (SQLite has one writer at a time, whatever the
    // pool); read-only transactions take their share of the readers.
    return new LanedPool(List.of(writer), List.of(1), reader, pool.size(), maxTransactions, file, reset,
        pool.resetEverySession(), JdbcConnections::closeNow);
  }

  @Override
  public Dialect dialect(Vertx vertx, Jdbc reached, String serverVersion, boolean galera, long defaultTimeoutMs) {
    return new SqliteDialect(vertx);
  }

  /** SQLITE_BUSY past the busy timeout: the statement never took the write lock. */
  @Override
  public boolean provesNotCommitted(Throwable databaseError) {
    int code = databaseError instanceof SQLException sql ? SqliteErrors.primary(sql.getErrorCode())
        : databaseError instanceof DatabaseException db ? db.getErrorCode() : 0;
    return code == SqliteErrors.BUSY;
  }

  /** The database file cannot be read or written (I/O error, cannot open, corrupt, ...). */
  @Override
  public boolean meansServerFailing(Throwable engineError) {
    return engineError instanceof SQLException sql && SqliteErrors.FILE_FAILURES.contains(SqliteErrors.primary(sql.getErrorCode()));
  }
}
