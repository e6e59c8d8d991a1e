package io.dbgateway.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.NewDatabase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An existing database without a Flyway history: refused by default, migrated from a baseline on request.
 * The standard's own auth tables as the existing schema: {@code StandardSchemaTck}.
 */
class MigrationsBaselineTest {

  /** An application's database that no gateway has seen: one table of its own, with a row. */
  private NewDatabase existingDatabase() throws Exception {
    NewDatabase db = Engine.POSTGRESQL.newDatabase("existing");
    db.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY)", "INSERT INTO legacy VALUES (7)");
    return db;
  }

  @Test
  void existingSchemaWithoutHistoryIsRefusedByDefaultNamingTheSettingThatAllowsIt() throws Exception {
    Map<String, String> env = existingDatabase().env();
    assertThatThrownBy(() -> GatewayUnderTest.start(env))
        .hasMessageContaining("non-empty schema")
        .hasMessageContaining("GATEWAY_MIGRATIONS_BASELINE=true")
        .hasMessageNotContaining("baselineOnMigrate");
  }

  @Test
  void baselineMigratesAnExistingSchemaAndKeepsItsData() throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(existingDatabase().env("GATEWAY_MIGRATIONS_BASELINE", "true"));
    try {
      var legacy = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT id FROM legacy"));
      assertThat(legacy.json().getJsonArray("rows").getJsonObject(0).getInteger("id")).isEqualTo(7);
      var users = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_user"));
      assertThat(users.status()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  @Test
  void aNamedBaselineVersionSkipsTheMigrationsUpToIt() throws Exception {
    NewDatabase db = existingDatabase();
    Map<String, String> env = db.env("GATEWAY_MIGRATIONS_BASELINE", "true");
    env.put("GATEWAY_MIGRATIONS_BASELINE_VERSION", "2");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      var history = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT version, type FROM flyway_schema_history"));
      assertThat(history.json().getJsonArray("rows").getJsonObject(0).getMap())
          .containsEntry("version", "2").containsEntry("type", "BASELINE");
      var users = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_user"));
      assertThat(users.json().getString("code")).as("V1 did not run").isEqualTo("SQL_ERROR");
    } finally {
      gateway.close();
    }
  }
}
