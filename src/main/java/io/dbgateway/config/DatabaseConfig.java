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
    Duration retryDelayCap) {

  public DatabaseConfig {
    hosts = List.copyOf(hosts);
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
        + ", retryDelay=" + retryDelay + ", retryDelayCap=" + retryDelayCap + "]";
  }
}
