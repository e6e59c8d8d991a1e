package io.dbgateway.tck;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A new, empty database on one engine's test server (a new file on SQLite), for tests that start a
 * gateway on a schema of their own making. Unlike {@link Engine#gateway()}, nothing has migrated it.
 *
 * @param env the variables that point a gateway at it
 */
public record NewDatabase(Map<String, String> env, String jdbcUrl, String user, String password) {

  public Connection connect() throws SQLException {
    return user == null ? DriverManager.getConnection(jdbcUrl) : DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** Runs statements over JDBC, as an application's own set-up would. */
  public void execute(Iterable<String> statements) throws SQLException {
    try (Connection c = connect(); var s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  public void execute(String... statements) throws SQLException {
    execute(java.util.List.of(statements));
  }

  /** {@link #env()} plus one more variable. */
  public Map<String, String> env(String name, String value) {
    Map<String, String> env = new HashMap<>(env());
    env.put(name, value);
    return env;
  }
}
