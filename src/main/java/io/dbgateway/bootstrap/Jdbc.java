package io.dbgateway.bootstrap;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.config.SslMode;
import io.dbgateway.db.SqliteDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Blocking JDBC access to one node, for the start-up work that needs it: waiting for the database
 * and running Flyway. Queries never go through here; they use the async pools.
 */
public record Jdbc(DatabaseConfig db, HostAndPort node, int connectTimeoutSeconds) {

  public String url() {
    return switch (db.type()) {
      case POSTGRESQL -> "jdbc:postgresql://" + node + "/" + db.name() + "?connectTimeout=" + connectTimeoutSeconds
          + "&sslmode=" + (db.sslMode() == SslMode.DISABLE ? "disable" : db.sslMode() == SslMode.REQUIRE ? "require" : "verify-full")
          + (db.sslCa() == null ? "" : "&sslrootcert=" + db.sslCa());
      case MYSQL -> "jdbc:mariadb://" + node + "/" + db.name() + "?connectTimeout=" + connectTimeoutSeconds * 1000
          + (db.sslMode() == SslMode.DISABLE ? "" : "&sslMode=" + (db.sslMode() == SslMode.REQUIRE ? "trust" : "verify-full"))
          + (db.sslCa() == null ? "" : "&serverSslCert=" + db.sslCa());
      case SQLITE -> "jdbc:sqlite:" + db.sqliteFile();
    };
  }

  /**
   * A MariaDB Connector/J URL that connects to the first of this node and then {@code others} that
   * answers, in that order ({@code jdbc:mariadb:sequential://}): for work any node of a Galera cluster
   * can do, which must go on when this node is gone.
   */
  public String urlTryingInOrder(java.util.List<HostAndPort> others) {
    if (db.type() != io.dbgateway.config.DbType.MYSQL) {
      throw new IllegalStateException("only MariaDB Connector/J tries several hosts in one URL");
    }
    StringBuilder hosts = new StringBuilder(node.toString());
    others.stream().filter(other -> !other.equals(node)).forEach(other -> hosts.append(',').append(other));
    return url().replaceFirst(java.util.regex.Pattern.quote("jdbc:mariadb://" + node + "/"),
        java.util.regex.Matcher.quoteReplacement("jdbc:mariadb:sequential://" + hosts + "/"));
  }

  public Connection connect() throws SQLException {
    if (db.type() == io.dbgateway.config.DbType.SQLITE) {
      return new SqliteDataSource(db.sqliteFile().toString(), false).getConnection();
    }
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    return DriverManager.getConnection(url(), props);
  }
}
