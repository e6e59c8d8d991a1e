package io.dbgateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the database is and how to reach it. The credentials (user and password) never appear in
 * {@link #toString()}, so the config can be logged as it is.
 *
 * @param hosts one node, or every node of a Galera cluster
 * @param name the database this config connects to: {@code DB_NAME}, or another one of {@link #databases}
 *     ({@link #forDatabase})
 * @param sqliteFile the database file, for {@link DbType#SQLITE} only
 * @param readUser a read-only login for read-only work ({@code DB_READ_USER}), or null to use {@code user}
 * @param readPassword its password
 * @param databases the databases a request may name: {@code DB_NAME} first, then those of
 *     {@code GATEWAY_DATABASES}
 */
public record DatabaseConfig(
    DbType type,
    List<HostAndPort> hosts,
    String name,
    String user,
    String password,
    Path sqliteFile,
    SslMode sslMode,
    Path sslCa,
    int maxRetries,
    Duration retryDelay,
    Duration retryDelayCap,
    String readUser,
    String readPassword,
    List<String> databases) {

  public DatabaseConfig {
    hosts = List.copyOf(hosts);
    databases = databases == null || databases.isEmpty() ? List.of(name) : List.copyOf(databases);
  }

  /** A config that serves {@code DB_NAME} only. */
  public DatabaseConfig(DbType type, List<HostAndPort> hosts, String name, String user, String password,
      Path sqliteFile, SslMode sslMode, Path sslCa, int maxRetries, Duration retryDelay, Duration retryDelayCap,
      String readUser, String readPassword) {
    this(type, hosts, name, user, password, sqliteFile, sslMode, sslCa, maxRetries, retryDelay, retryDelayCap,
        readUser, readPassword, List.of(name));
  }

  /** The SQLite file of a database name: {@code name.db}, or the name itself if it is a path ({@code /}, {@code .db}). */
  public static Path sqliteFileOf(String name) {
    return name.contains("/") || name.endsWith(".db") ? Path.of(name) : Path.of(name + ".db");
  }

  /** {@code DB_NAME}: the database migrations run on, and requests that name none use. */
  public String mainDatabase() {
    return databases.get(0);
  }

  /** Whether this config connects to {@code DB_NAME}, rather than another database of the list. */
  public boolean isMain() {
    return name.equals(mainDatabase());
  }

  /** Whether a request may name {@code database}. */
  public boolean serves(String database) {
    return databases.contains(database);
  }

  /** The same target and logins, connecting to {@code database} (one of {@link #databases}). */
  public DatabaseConfig forDatabase(String database) {
    return new DatabaseConfig(type, hosts, database, user, password, sqliteFileOf(database), sslMode, sslCa,
        maxRetries, retryDelay, retryDelayCap, readUser, readPassword, databases);
  }

  /** The same target, logging in as the read-only login: what the read pools connect with. */
  public DatabaseConfig asReadUser() {
    return new DatabaseConfig(type, hosts, name, readUser, readPassword, sqliteFile, sslMode, sslCa, maxRetries,
        retryDelay, retryDelayCap, null, null, databases);
  }

  /** A description of the target for logs and messages: never the credentials. */
  public String target() {
    if (type == DbType.SQLITE) {
      return "sqlite:" + sqliteFile;
    }
    return type.id() + "://" + hosts.stream().map(HostAndPort::toString).reduce((a, b) -> a + "," + b).orElse("") + "/" + name;
  }

  @Override
  public String toString() {
    return "DatabaseConfig[" + target() + ", sslMode=" + sslMode + ", maxRetries=" + maxRetries
        + ", retryDelay=" + retryDelay + ", retryDelayCap=" + retryDelayCap
        + (readUser == null ? "" : ", read-only login set")
        + (databases.size() > 1 ? ", also serves " + databases.subList(1, databases.size()) : "") + "]";
  }
}
