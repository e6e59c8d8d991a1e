package io.dbgateway.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

class MariaDbTimeoutTest extends TimeoutTck {

  @Override
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    return "SELECT SLEEP(" + ms / 1000.0 + ")";
  }

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String slowStatement() {
    return "SELECT SLEEP(60)";
  }

  @Override
  protected int stillRunning(Connection c) throws SQLException {
    try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60)%' AND COMMAND <> 'Sleep'"
            + " AND ID <> CONNECTION_ID()")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
