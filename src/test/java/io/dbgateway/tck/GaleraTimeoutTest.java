package io.dbgateway.tck;

import io.dbgateway.testing.GaleraCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The timeout suite against a real 3-node Galera cluster: no node keeps running the statement. */
class GaleraTimeoutTest extends TimeoutTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }

  @Override
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    return "SELECT SLEEP(" + ms / 1000.0 + ")";
  }

  @Override
  protected String slowStatement() {
    return "SELECT SLEEP(60)";
  }

  @Override
  protected int stillRunning(Connection ignored) throws SQLException {
    int running = 0;
    for (int node = 1; node <= 3; node++) {
      try (Connection c = GaleraCluster.get().connect(node); var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60)%' AND COMMAND <> 'Sleep'"
              + " AND ID <> CONNECTION_ID()")) {
        rs.next();
        running += rs.getInt(1);
      }
    }
    return running;
  }
}
