package io.dbgateway.tck;

import io.dbgateway.testing.GaleraCluster;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * The engines every capability suite runs against. Each has one gateway per test JVM, started on
 * first use against a throwaway server (or a fresh SQLite file), and direct JDBC access so tests can
 * check what the database itself holds.
 */
public enum Engine {
  POSTGRESQL,
  MARIADB,
  SQLITE,
  /** A real 3-node MariaDB Galera cluster, reached through the gateway's Galera routing. */
  GALERA;

  private GatewayUnderTest gateway;
  private Path sqliteFile;

  public synchronized GatewayUnderTest gateway() {
    if (gateway == null) {
      gateway = GatewayUnderTest.start(env());
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::close));
    }
    return gateway;
  }

  /** The {@code DB_*} variables that point a gateway at this engine's test database. */
  public synchronized Map<String, String> env() {
    return switch (this) {
      case POSTGRESQL -> serverEnv("postgresql", TestServers.postgres());
      case MARIADB -> serverEnv("mariadb", TestServers.mariadb());
      case SQLITE -> Map.of("DB_TYPE", "sqlite", "DB_NAME", sqliteFile().toString(), "DB_MAX_RETRIES", "3",
          "DB_RETRY_DELAY", "0.2");
      case GALERA -> Map.of("DB_TYPE", "mysql", "DB_HOST", GaleraCluster.get().hosts(),
          "DB_NAME", GaleraCluster.DATABASE, "DB_USER", GaleraCluster.USER, "DB_PASS", GaleraCluster.PASSWORD,
          "DB_MAX_RETRIES", "3", "DB_RETRY_DELAY", "0.2");
    };
  }

  private static Map<String, String> serverEnv(String type, ThrowawayServer server) {
    return Map.of("DB_TYPE", type, "DB_HOST", server.host(), "DB_PORT", Integer.toString(server.port()),
        "DB_NAME", server.database(), "DB_USER", server.user(), "DB_PASS", server.password(),
        "DB_MAX_RETRIES", "3", "DB_RETRY_DELAY", "0.2");
  }

  private Path sqliteFile() {
    if (sqliteFile == null) {
      try {
        Path dir = Files.createTempDirectory("dbgw-test-sqlite-");
        dir.toFile().deleteOnExit();
        sqliteFile = dir.resolve("gateway.db");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return sqliteFile;
  }

  /**
   * A direct JDBC connection, bypassing the gateway. The gateway starts first, so its migrations run on
   * an empty schema as they would in production.
   */
  public Connection jdbc() throws SQLException {
    gateway();
    return switch (this) {
      case POSTGRESQL -> TestServers.postgres().connect();
      case MARIADB -> TestServers.mariadb().connect();
      case SQLITE -> DriverManager.getConnection("jdbc:sqlite:" + sqliteFile());
      case GALERA -> GaleraCluster.get().connectToPort(galeraWriterPort());
    };
  }

  /**
   * The node the gateway writes to, from its readiness answer. Tests set up and check data there, as a
   * client of the cluster would: other nodes apply a write a moment later.
   */
  private int galeraWriterPort() {
    io.vertx.core.json.JsonObject ready = gateway().get("/health/ready").json();
    for (Object check : ready.getJsonArray("checks")) {
      io.vertx.core.json.JsonObject c = (io.vertx.core.json.JsonObject) check;
      if ("galera".equals(c.getString("id")) && c.getJsonObject("data") != null
          && c.getJsonObject("data").getString("writer") != null) {
        String writer = c.getJsonObject("data").getString("writer");
        return Integer.parseInt(writer.substring(writer.lastIndexOf(':') + 1));
      }
    }
    throw new IllegalStateException("the gateway reports no Galera writer: " + ready.encode());
  }

  /**
   * A new, empty database on this engine's server (a new SQLite file), that no gateway has migrated.
   * Not on Galera: its start-up is covered by the single-server engines.
   */
  public NewDatabase newDatabase(String prefix) throws SQLException, IOException {
    String name = uniqueTable(prefix);
    return switch (this) {
      case POSTGRESQL -> newDatabaseOn(TestServers.postgres(), "postgresql", name);
      case MARIADB -> newDatabaseOn(TestServers.mariadb(), "mariadb", name);
      case SQLITE -> {
        Path dir = Files.createTempDirectory("dbgw-test-sqlite-");
        dir.toFile().deleteOnExit();
        Path file = dir.resolve(name + ".db");
        yield new NewDatabase(Map.of("DB_TYPE", "sqlite", "DB_NAME", file.toString(), "DB_MAX_RETRIES", "1"),
            "jdbc:sqlite:" + file, null, null);
      }
      case GALERA -> throw new UnsupportedOperationException("no new databases on the Galera cluster");
    };
  }

  private static NewDatabase newDatabaseOn(ThrowawayServer server, String type, String name) throws SQLException {
    try (Connection admin = server.connect(); var s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    Map<String, String> env = new java.util.HashMap<>(serverEnv(type, server));
    env.put("DB_NAME", name);
    env.put("DB_MAX_RETRIES", "1");
    return new NewDatabase(Map.copyOf(env), server.jdbcUrl().replace("/" + server.database(), "/" + name),
        server.user(), server.password());
  }

  /** A statement that runs for a minute unless its timeout cancels it first. */
  public String slowStatement() {
    return switch (this) {
      case POSTGRESQL -> "SELECT pg_sleep(60)";
      case MARIADB, GALERA -> "SELECT SLEEP(60)";
      case SQLITE -> "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n";
    };
  }

  /**
   * A statement that runs for about {@code seconds}. SQLite has no sleep: it counts through a recursive
   * CTE, taken to count 2.5 million rows a second ({@code SqliteTimeoutTest} measures the rate, where the
   * length must be closer).
   */
  public String sleepStatement(double seconds) {
    return switch (this) {
      case POSTGRESQL -> String.format(java.util.Locale.ROOT, "SELECT pg_sleep(%.3f) AS slept", seconds);
      case MARIADB, GALERA -> String.format(java.util.Locale.ROOT, "SELECT SLEEP(%.3f) AS slept", seconds);
      case SQLITE -> "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
          + (long) (seconds * 2_500_000) + ") SELECT COUNT(*) AS n FROM c";
    };
  }

  /**
   * How many statements whose text contains {@code marker} the server is running now, from its process
   * list (every node's, on Galera); the asking session is left out. SQLite has no process list.
   */
  public int runningStatements(String marker) throws SQLException {
    return switch (this) {
      case POSTGRESQL -> countRunning(jdbc(), "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active'"
          + " AND pid <> pg_backend_pid() AND strpos(query, ?) > 0", marker);
      case MARIADB -> countRunning(jdbc(), MARIADB_RUNNING, marker);
      case GALERA -> {
        int running = 0;
        for (int node = 1; node <= GaleraCluster.SQL_PORTS.size(); node++) {
          running += countRunning(GaleraCluster.get().connect(node), MARIADB_RUNNING, marker);
        }
        yield running;
      }
      case SQLITE -> throw new UnsupportedOperationException("SQLite has no process list");
    };
  }

  private static final String MARIADB_RUNNING = "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
      + " WHERE COMMAND <> 'Sleep' AND ID <> CONNECTION_ID() AND LOCATE(?, INFO) > 0";

  private static int countRunning(Connection connection, String sql, String marker) throws SQLException {
    try (Connection c = connection; var s = c.prepareStatement(sql)) {
      s.setString(1, marker);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Runs statements directly over JDBC, bypassing the gateway (test set-up). */
  public void execute(String... statements) throws SQLException {
    try (Connection c = jdbc(); var s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** The rows of {@code table} matching {@code where}, counted over JDBC: what the database itself holds. */
  public int count(String table, String where) throws SQLException {
    try (Connection c = jdbc(); var s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE " + where)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A table name no other test uses. */
  public static String uniqueTable(String prefix) {
    return prefix + "_" + Long.toString(System.nanoTime(), 36);
  }
}
