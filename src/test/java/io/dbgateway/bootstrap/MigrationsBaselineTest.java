package io.dbgateway.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An existing database without a Flyway history: refused by default, migrated from a baseline on request. */
class MigrationsBaselineTest {

  private final ThrowawayPostgres server = TestServers.postgres();

  private String existingDatabase() throws Exception {
    String name = "existing_" + Long.toString(System.nanoTime(), 36);
    try (Connection admin = server.connect(); var s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    try (Connection db = DriverManager.getConnection(server.jdbcUrl().replace("/" + server.database(), "/" + name),
        server.user(), server.password()); var s = db.createStatement()) {
      s.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO legacy VALUES (7)");
    }
    return name;
  }

  private Map<String, String> env(String database) {
    Map<String, String> env = new HashMap<>();
    env.put("DB_TYPE", "postgresql");
    env.put("DB_HOST", server.host());
    env.put("DB_PORT", Integer.toString(server.port()));
    env.put("DB_NAME", database);
    env.put("DB_USER", server.user());
    env.put("DB_PASS", server.password());
    env.put("DB_MAX_RETRIES", "1");
    return env;
  }

  @Test
  void existingSchemaWithoutHistoryIsRefusedByDefault() throws Exception {
    Map<String, String> env = env(existingDatabase());
    assertThatThrownBy(() -> GatewayUnderTest.start(env))
        .hasMessageContaining("non-empty schema");
  }

  @Test
  void baselineMigratesAnExistingSchemaAndKeepsItsData() throws Exception {
    Map<String, String> env = env(existingDatabase());
    env.put("GATEWAY_MIGRATIONS_BASELINE", "true");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      var legacy = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT id FROM legacy"));
      assertThat(legacy.json().getJsonArray("rows").getJsonObject(0).getInteger("id")).isEqualTo(7);
      var users = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_user"));
      assertThat(users.status()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }
}
