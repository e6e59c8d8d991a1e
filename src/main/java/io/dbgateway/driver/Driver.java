package io.dbgateway.driver;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.DbType;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.PoolConfig;
import io.dbgateway.error.EngineErrors;
import io.dbgateway.node.LanedPool;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * One database engine: everything the gateway knows about it, from start-up to the last statement. The
 * driver is chosen once, from {@code DB_TYPE} ({@link Drivers#of}); nothing outside the drivers asks which
 * engine it is. It holds what is known before a server is reached (SQL syntax, how to connect, what its
 * error codes mean: {@link EngineErrors}); its {@link Dialect}, made once the server answered, runs the work.
 *
 * <p>To add an engine: a package beside {@code driver.postgres}, {@code driver.mysql} and {@code
 * driver.sqlite} with a {@code Driver} and a {@code Dialect}, and its {@code DB_TYPE} in {@link DbType}.
 */
public interface Driver extends EngineErrors {

  /** The engine's {@code DB_TYPE}: the name of its migrations folder and of its metrics. */
  DbType type();

  /** Where placeholders cannot be in this engine's SQL, and the placeholder style its client wants. */
  SqlSyntax syntax();

  /** Loads the engine's client classes, off the main thread, before start-up needs them. */
  void warmUp() throws Exception;

  /**
   * Whether the engine serves from servers at {@code DB_HOST} (false: from a file, {@code DB_SQLITE_FILE},
   * reached as one node without an address).
   */
  default boolean hasServers() {
    return true;
  }

  /** Whether a server of this engine may be a Galera node, so start-up asks it ({@code galera/} does the rest). */
  default boolean mayBeGalera() {
    return false;
  }

  /** The JDBC URL of {@code node}, for waiting at start-up and for Flyway. */
  String jdbcUrl(Jdbc node);

  /** A blocking JDBC connection to {@code node}. */
  default Connection connect(Jdbc node) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", node.db().user());
    props.setProperty("password", node.db().password());
    return DriverManager.getConnection(jdbcUrl(node), props);
  }

  /** Points Flyway at {@code node}. */
  default void migrateThrough(FluentConfiguration flyway, Jdbc node) {
    flyway.dataSource(jdbcUrl(node), node.db().user(), node.db().password());
  }

  /**
   * The connection pools of {@code db} on {@code node} (null where the engine has no servers): {@code
   * DB_NAME}'s, or those of another database of {@code GATEWAY_DATABASES} ({@link DatabaseConfig#forDatabase}).
   *
   * @param defaultTimeoutMs the statement timeout every session starts with
   * @param maxTransactions how many interactive transactions may hold a connection of this node at once
   *     ({@code GATEWAY_TX_MAX_OPEN})
   * @param reset how the engine puts a session back as new ({@link Dialect#sessionReset})
   */
  LanedPool connections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset);

  /**
   * The node's pools that log in as the read-only {@code DB_READ_USER}, or null when none is configured
   * or the engine has no logins.
   */
  default LanedPool readOnlyConnections(Vertx vertx, DatabaseConfig db, PoolConfig pool, HostAndPort node,
      long defaultTimeoutMs, int maxTransactions, LanedPool.SessionReset reset) {
    return null;
  }

  /**
   * The dialect that runs the work, once the server answered.
   *
   * @param reached the node that answered at start-up (the Galera writer on a cluster)
   * @param serverVersion the version the server reported
   * @param galera whether the server is a node of a Galera cluster
   * @param defaultTimeoutMs {@code GATEWAY_QUERY_DEFAULT_TIMEOUT_MS}
   */
  Dialect dialect(Vertx vertx, Jdbc reached, String serverVersion, boolean galera, long defaultTimeoutMs);
}
