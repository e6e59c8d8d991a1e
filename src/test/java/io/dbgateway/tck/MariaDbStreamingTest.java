package io.dbgateway.tck;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * MariaDB computes a cursor's whole result into a temporary table when the cursor opens, so no
 * expression can fail on a late row: the late failure here is the server ending the stream's
 * connection after the first rows went out.
 */
class MariaDbStreamingTest extends StreamingTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  /** MariaDB's Sequence engine; a recursive CTE stops at {@code max_recursive_iterations} (1000). */
  @Override
  protected String series(long rows) {
    return "SELECT seq AS n, '" + PAD + "' AS pad FROM seq_1_to_" + rows;
  }

  @Override
  protected String failingLate(long rows, long failAt) {
    return "SELECT seq AS n, CONNECTION_ID() AS connection_id, '" + PAD + "' AS pad FROM seq_1_to_" + rows;
  }

  @Override
  protected void afterFirstRow(JsonObject firstRow) throws SQLException {
    try (Connection c = engine().jdbc(); Statement s = c.createStatement()) {
      s.execute("KILL CONNECTION " + firstRow.getLong("connection_id"));
    }
  }

  @Override
  protected String lateFailureCode() {
    return "UNAVAILABLE";
  }

  @Override
  protected String shortLockWait() {
    return "SET SESSION lock_wait_timeout = 2";
  }
}
