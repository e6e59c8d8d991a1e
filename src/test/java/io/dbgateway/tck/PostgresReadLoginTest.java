package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL the read-only login also takes away what the same-user setup left to a read key: ending
 * the gateway's other backends, and locking a table harder than a read does.
 */
class PostgresReadLoginTest extends ReadLoginTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected void grantReadOnly(Statement admin, String table) throws SQLException {
    admin.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + READER + "') THEN "
        + "CREATE ROLE " + READER + " LOGIN PASSWORD '" + READER_PASS + "'; END IF; END $$");
    admin.execute("GRANT USAGE ON SCHEMA public TO " + READER);
    admin.execute("GRANT SELECT ON " + table + " TO " + READER);
  }

  @Override
  protected String currentUser() {
    return "SELECT current_user::text AS u";
  }

  @Test
  void aReadKeyCannotEndTheGatewaysOtherConnections() {
    // Some connections of DB_USER, open in the pool.
    for (int i = 0; i < 4; i++) {
      assertThat(as(WRITE, new JsonObject().put("sql", "SELECT 1 AS one")).status()).isEqualTo(200);
    }
    Response kill = as(READ, new JsonObject().put("sql", "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity"
        + " WHERE usename = '" + engine().env().get("DB_USER") + "' AND pid <> pg_backend_pid()"));
    assertThat(kill.status()).as(kill.body()).isBetween(400, 499);
    assertThat(kill.body()).contains("42501"); // insufficient privilege
    for (int i = 0; i < 4; i++) {
      Response after = as(WRITE, new JsonObject().put("sql", "SELECT 1 AS one"));
      assertThat(after.status()).as("the write key's connections are alive: " + after.body()).isEqualTo(200);
    }
  }

  @Test
  void aReadKeyCannotLockATableHarderThanARead() {
    Response begun = gateway.post("/v1/transactions", new JsonObject().put("readOnly", true),
        Map.of("Authorization", "Bearer " + READ));
    assertThat(begun.status()).as(begun.body()).isEqualTo(200);
    String tx = begun.json().getString("txId");
    Response lock = as(READ, new JsonObject().put("sql", "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE").put("txId", tx));
    assertThat(lock.status()).as(lock.body()).isBetween(400, 499);
    assertThat(lock.body()).contains("42501");
    gateway.post("/v1/transactions/" + tx + "/rollback", "", Map.of("Authorization", "Bearer " + READ));
  }
}
