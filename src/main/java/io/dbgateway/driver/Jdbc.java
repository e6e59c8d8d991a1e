package io.dbgateway.driver;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.HostAndPort;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Blocking JDBC access to one node, for the start-up work that needs it: waiting for the database
 * and running Flyway. Queries never go through here; they use the async pools.
 *
 * @param node the server, or null where the engine has none ({@link Driver#hasServers})
 */
public record Jdbc(Driver driver, DatabaseConfig db, HostAndPort node, int connectTimeoutSeconds) {

  public String url() {
    return driver.jdbcUrl(this);
  }

  public Connection connect() throws SQLException {
    return driver.connect(this);
  }
}
