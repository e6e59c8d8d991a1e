package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Override
  protected String slowSelect() {
    return "SELECT SLEEP(60) AS slept";
  }

  /**
   * An error while the server computes the cursor's result reaches vertx-mysql-client as 1421 (the
   * server's own error is lost): still a 400 SQL_ERROR before the first row, and the connection is fine.
   */
  @Test
  void aStatementFailingWhileItsCursorOpensIsASqlError() {
    JsonObject request = new JsonObject().put("sql", "SELECT (SELECT seq FROM seq_1_to_2) AS x");
    try (NdjsonClient client = NdjsonClient.post(streamingGateway().port(), "/v1/query", request,
        Map.of("Authorization", "Bearer " + WRITE_SECRET))) {
      String body = client.readBody();
      assertThat(client.status()).as(body).isEqualTo(400);
      assertThat(new JsonObject(body).getString("code")).isEqualTo("SQL_ERROR");
    }
    try (NdjsonClient client = NdjsonClient.post(streamingGateway().port(), "/v1/query",
        new JsonObject().put("sql", "SELECT 1 AS one"), Map.of("Authorization", "Bearer " + WRITE_SECRET))) {
      assertThat(client.readAll()).hasSize(3);
    }
  }
}
