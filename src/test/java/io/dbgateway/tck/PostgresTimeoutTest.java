package io.dbgateway.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

class PostgresTimeoutTest extends TimeoutTck {

  /** Sessions keep the default timeout; a request's own timeout must not outlive it on the connection. */
  @org.junit.jupiter.api.Test
  void aRequestsTimeoutDoesNotStayOnThePooledConnection() {
    java.util.Map<String, String> env = new java.util.HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      var shortOne = gateway.post("/v1/query", new io.vertx.core.json.JsonObject()
          .put("sql", "SELECT pg_sleep(0.01)").put("timeoutMs", 200));
      org.assertj.core.api.Assertions.assertThat(shortOne.status()).isEqualTo(200);
      var withDefault = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(0.5)"));
      org.assertj.core.api.Assertions.assertThat(withDefault.status()).as(withDefault.body()).isEqualTo(200);
      var failedInTransaction = gateway.post("/v1/transaction", new io.vertx.core.json.JsonObject().put("timeoutMs", 200)
          .put("statements", new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(5)"))));
      org.assertj.core.api.Assertions.assertThat(failedInTransaction.status()).isEqualTo(504);
      var afterRollback = gateway.post("/v1/query", new io.vertx.core.json.JsonObject().put("sql", "SELECT pg_sleep(0.5)"));
      org.assertj.core.api.Assertions.assertThat(afterRollback.status()).as(afterRollback.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  @Override
  protected String statementTaking(GatewayUnderTest gateway, long ms) {
    return "SELECT pg_sleep(" + ms / 1000.0 + ")";
  }

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
