package io.dbgateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the database is and how to reach it. The credentials (user and password) never appear in
 * {@link #toString()}, so the config can be logged as it is.
 *
 * @param hosts one node, or every node of a Galera cluster
 * @param sqliteFile the database file, for {@link DbType#SQLITE} only
 * @param readUser a read-only login for read-only work ({@code DB_READ_USER}), or null to use {@code user}
 * @param readPassword its password
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
    String readPassword) {

  public DatabaseConfig {
    hosts = List.copyOf(hosts);
  }

  /** The same target, logging in as the read-only login: what the read pools connect with. */
  public DatabaseConfig asReadUser() {
    return new DatabaseConfig(type, hosts, name, readUser, readPassword, sqliteFile, sslMode, sslCa, maxRetries,
        retryDelay, retryDelayCap, null, null);
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
        + (readUser == null ? "" : ", read-only login set") + "]";
  }
}
