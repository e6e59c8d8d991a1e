package io.dbgateway.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The database engines the gateway serves. MySQL covers MySQL 8, MariaDB and Galera. */
public enum DbType {
  POSTGRESQL("postgresql", 5432),
  MYSQL("mysql", 3306),
  SQLITE("sqlite", 0);

  private final String id;
  private final int defaultPort;

  DbType(String id, int defaultPort) {
    this.id = id;
    this.defaultPort = defaultPort;
  }

  /** The value of {@code DB_TYPE}, and the name of the vendor migrations folder. */
  public String id() {
    return id;
  }

  public int defaultPort() {
    return defaultPort;
  }

  public static Optional<DbType> parse(String value) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    if (normalized.equals("mariadb")) {
      return Optional.of(MYSQL);
    }
    return Arrays.stream(values()).filter(t -> t.id.equals(normalized)).findFirst();
  }

  public static String supportedValues() {
    return Arrays.stream(values()).map(DbType::id).collect(Collectors.joining(", "))
        + " (mariadb is an alias of mysql)";
  }
}
