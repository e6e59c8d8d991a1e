package io.dbgateway.dataapi;

import static io.dbgateway.dataapi.SignedGateways.KEY_ID;
import static io.dbgateway.dataapi.SignedGateways.READ_KEY_ID;
import static io.dbgateway.dataapi.SignedGateways.READ_SECRET;
import static io.dbgateway.dataapi.SignedGateways.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The RDS Data API, driven by the real {@code @aws-sdk/client-rds-data} (Node.js) with its endpoint
 * pointed at a gateway: every Field type and typeHint, both result formats, result metadata, batch,
 * transactions and the exceptions, on every engine ({@code src/test/node/data-api/data-api-checks.mjs}
 * holds the checks). The SDK signs with SigV4, the key's id and secret as its credentials.
 */
public abstract class DataApiSdkTck {

  protected abstract Engine engine();

  /** Creates {@code table} with columns id, b, n, d, amount, s, ts, dt, tm, u, j, bl of the engine's types. */
  protected abstract String typesTable(String table);

  /** Creates {@code table} with an id the database generates, and a name. */
  protected abstract String autoTable(String table);

  /** Whether the engine reports the keys an INSERT generated (not PostgreSQL: it has RETURNING). */
  protected abstract boolean generatesKeys();

  /** Whether the engine has array types (PostgreSQL). */
  protected boolean hasArrays() {
    return false;
  }

  /** Whether the engine has MySQL's {@code YEAR} type. */
  protected boolean hasYear() {
    return false;
  }

  /** The engine's variables; an engine may point the gateway elsewhere than the shared test gateway. */
  protected Map<String, String> databaseEnv() {
    return engine().env();
  }

  private GatewayUnderTest gateway() {
    return SignedGateways.of(engine(), databaseEnv());
  }

  private void create(String ddl) {
    GatewayUnderTest.Response r = gateway().post("/v1/query", new JsonObject().put("sql", ddl),
        Map.of("Authorization", "Bearer " + SECRET));
    assertThat(r.status()).as("creating a table: %s", r.body()).isEqualTo(200);
  }

  private NodeChecks.Result run(String mode) throws IOException, InterruptedException {
    String types = Engine.uniqueTable("dapi_types");
    String auto = Engine.uniqueTable("dapi_auto");
    create(typesTable(types));
    create(autoTable(auto));
    String year = "";
    if (hasYear()) {
      year = Engine.uniqueTable("dapi_year");
      create("CREATE TABLE " + year + " (y YEAR)");
      create("INSERT INTO " + year + " VALUES (2017)");
    }
    return NodeChecks.SDK.node("data-api-checks.mjs", Map.ofEntries(
        Map.entry("GATEWAY_URL", "http://127.0.0.1:" + gateway().port()),
        Map.entry("DATABASE", databaseEnv().get("DB_NAME")),
        Map.entry("KEY_ID", KEY_ID),
        Map.entry("SECRET", SECRET),
        Map.entry("READ_KEY_ID", READ_KEY_ID),
        Map.entry("READ_SECRET", READ_SECRET),
        Map.entry("TYPES_TABLE", types),
        Map.entry("AUTO_TABLE", auto),
        Map.entry("GENERATES_KEYS", Boolean.toString(generatesKeys())),
        Map.entry("ARRAYS", Boolean.toString(hasArrays())),
        Map.entry("YEAR_TABLE", year),
        Map.entry("MODE", mode),
        Map.entry("NODE_NO_WARNINGS", "1")));
  }

  @Test
  void theAwsSdkWorksUnchangedAgainstTheDataApiEndpoints() throws Exception {
    NodeChecks.Result result = run("all");
    assertThat(result.exitCode()).as("the SDK checks on %s:%n%s", engine(), result.output()).isZero();
    assertThat(result.output()).contains("all checks passed").doesNotContain("FAIL");
  }

  /** Passes once the auth handler verifies SigV4 on the Data API endpoints. */
  @Test
  void aSigV4SignatureWithAWrongSecretIsForbidden() throws Exception {
    NodeChecks.Result result = run("wrong-secret");
    assertThat(result.exitCode()).as("the SigV4 checks on %s:%n%s", engine(), result.output()).isZero();
  }

  static Map<String, String> freshSqliteFile() {
    try {
      java.nio.file.Path dir = Files.createTempDirectory("dbgw-dataapi-sqlite-");
      dir.toFile().deleteOnExit();
      return Map.of("DB_TYPE", "sqlite", "DB_NAME", dir.resolve("dataapi.db").toString(), "DB_MAX_RETRIES", "3",
          "DB_RETRY_DELAY", "0.2");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
