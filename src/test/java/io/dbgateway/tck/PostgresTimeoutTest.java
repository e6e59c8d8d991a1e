package io.dbgateway.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

class PostgresTimeoutTest extends TimeoutTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String slowStatement() {
    return "SELECT pg_sleep(60)";
  }

  @Override
  protected int stillRunning(Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(60)%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
