package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.OpenApiConformance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real answers of a real gateway, success and failure, for every operation, held to the OpenAPI
 * document. ({@link GatewayUnderTest} also checks every answer any other suite gets.)
 */
public abstract class OpenApiConformanceTck {

  protected abstract Engine engine();

  private final OpenApiConformance openApi = OpenApiConformance.get();
  private GatewayUnderTest gateway;
  private String table;

  @BeforeEach
  void createTable() {
    gateway = engine().gateway();
    table = Engine.uniqueTable("oa");
    answer("/v1/query", new JsonObject().put("sql",
        "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE)"), 200);
    answer("/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (1, 'one'), (2, 'two')"), 200);
  }

  /** Posts, checks the status, and holds the answer to the document. */
  private Response answer(String path, Object body, int status) {
    return answer(path, body, Map.of(), status);
  }

  private Response answer(String path, Object body, Map<String, String> headers, int status) {
    Response response = body instanceof JsonObject json ? gateway.post(path, json, headers) : gateway.post(path, (String) body);
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    openApi.assertConforms("POST", path, response);
    return response;
  }

  private JsonObject select(String format) {
    return new JsonObject().put("sql", "SELECT id, name FROM " + table + " WHERE id > ? ORDER BY id")
        .put("params", new JsonArray().add(0)).put("format", format);
  }

  @Test
  void queryAnswersConform() {
    answer("/v1/query", select("objects"), 200);
    answer("/v1/query", select("arrays").put("maxRows", 1), 200);
    answer("/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (:id, :name)")
        .put("params", new JsonObject().put("id", 3).put("name", "three")), 200);
    answer("/v1/query", new JsonObject().put("sql", "SELECT * FROM " + table).put("readOnly", true)
        .put("consistency", "strong").put("timeoutMs", 5000).putNull("txId"), 200);
  }

  @Test
  void queryProblemsConform() {
    assertThat(answer("/v1/query", new JsonObject().put("params", new JsonArray()), 400).json().getString("code"))
        .isEqualTo("BAD_REQUEST");
    answer("/v1/query", new JsonObject().put("sql", "SELECT 1").put("colour", "red"), 400);
    answer("/v1/query", "{\"sql\": ", 400);
    assertThat(answer("/v1/query", new JsonObject().put("sql", "SELECT * FROM no_such_table_oa"), 400)
        .json().getString("code")).isEqualTo("SQL_ERROR");
    assertThat(answer("/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (9, 'one')"), 409)
        .json().getString("code")).isEqualTo("CONFLICT");
    answer("/v1/query", new JsonObject().put("sql", "SELECT 1").put("params", new JsonArray()
        .add("x".repeat(1_100_000))), 413);
    assertThat(answer("/v1/query", new JsonObject().put("sql", engine().slowStatement()).put("timeoutMs", 300), 504)
        .json().getString("code")).isEqualTo("TIMEOUT");
  }

  @Test
  void streamedAnswersConform() {
    Map<String, String> ndjson = Map.of("Accept", "application/x-ndjson");
    Response objects = answer("/v1/query", select("objects"), ndjson, 200);
    assertThat(objects.header("content-type")).startsWith("application/x-ndjson");
    assertThat(objects.body().split("\n")).hasSize(4);
    answer("/v1/query", select("arrays").put("maxRows", 1), ndjson, 200);
    answer("/v1/query", new JsonObject().put("sql", "SELECT * FROM no_such_table_oa"), ndjson, 400);
    answer("/v1/query", new JsonObject().put("sql", "SELECT 1").put("txId", "nope"), ndjson, 400);
    // A stream that fails after its first rows ends with an error line: StreamingTck holds that line to the
    // document on every engine (MariaDB cannot fail a late row by itself; that suite ends its connection).
  }

  @Test
  void idempotentAnswersConform() {
    Map<String, String> key = Map.of("Idempotency-Key", "oa-" + UUID.randomUUID());
    JsonObject insert = new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (5, 'five')");
    answer("/v1/query", insert, key, 200);
    assertThat(answer("/v1/query", insert, key, 200).header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(answer("/v1/query", new JsonObject().put("sql", "SELECT 1"), key, 422).json().getString("code"))
        .isEqualTo("IDEMPOTENCY_MISMATCH");
  }

  @Test
  void batchAnswersConform() {
    answer("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add(10).add("ten")).add(new JsonArray().add(11).add("eleven"))), 200);
    Response failed = answer("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add(12).add("twelve")).add(new JsonArray().add(13).add("one"))), 409);
    assertThat(failed.json().getInteger("statementIndex")).isEqualTo(1);
    answer("/v1/batch", new JsonObject().put("sql", "SELECT 1").put("params", new JsonArray()), 400);
  }

  @Test
  void transactionAnswersConform() {
    answer("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "UPDATE " + table + " SET name = ? WHERE id = ?").put("params", new JsonArray().add("uno").add(1)))
        .add(new JsonObject().put("sql", "SELECT name FROM " + table + " ORDER BY id"))).put("format", "arrays"), 200);
    Response failed = answer("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "SELECT 1"))
        .add(new JsonObject().put("sql", "SELECT * FROM no_such_table_oa"))), 400);
    assertThat(failed.json().getInteger("statementIndex")).isEqualTo(1);
    answer("/v1/transaction", new JsonObject().put("statements", new JsonArray()), 400);
  }

  @Test
  void interactiveTransactionAnswersConform() {
    String txId = answer("/v1/transactions", new JsonObject(), 200).json().getString("txId");
    answer("/v1/query", new JsonObject().put("sql", "UPDATE " + table + " SET name = 'uno' WHERE id = 1").put("txId", txId), 200);
    answer("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add(20).add("twenty"))).put("txId", txId), 200);
    answer("/v1/transactions/" + txId + "/commit", new JsonObject(), 200);
    answer("/v1/transactions/" + txId + "/commit", new JsonObject(), 404);
    answer("/v1/query", new JsonObject().put("sql", "SELECT 1").put("txId", txId), 404);

    String readOnly = answer("/v1/transactions", new JsonObject().put("readOnly", true), 200).json().getString("txId");
    answer("/v1/transactions/" + readOnly + "/rollback", new JsonObject(), 200);
    answer("/v1/transactions/" + readOnly + "/rollback", new JsonObject(), 404);
    answer("/v1/transactions", new JsonObject().put("colour", "red"), 400);
    answer("/v1/transactions", new JsonObject(), Map.of("Idempotency-Key", "oa-tx-" + UUID.randomUUID()), 400);
  }

  @Test
  void namedQueryAnswersConform() {
    answer("/v1/queries/users.by_email", new JsonObject().put("params", new JsonObject().put("email", "nobody@example.org")), 200);
    answer("/v1/queries/users.by_email", new JsonObject().put("params", new JsonObject().put("email", "x"))
        .put("format", "arrays").put("maxRows", 5), 200);
    answer("/v1/queries/no.such.query", new JsonObject(), 404);
    answer("/v1/queries/users.by_email", new JsonObject().put("sql", "SELECT 1"), 400);
  }

  /** What every Data API request names: the cluster and secret ARNs (accepted, not used) and the database, DB_NAME. */
  private JsonObject envelope() {
    return new JsonObject().put("resourceArn", "arn:aws:rds:us-east-1:123456789012:cluster:gw")
        .put("secretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gw")
        .put("database", engine().env().get("DB_NAME"));
  }

  private JsonObject dataApi(String sql) {
    return envelope().put("sql", sql);
  }

  private static JsonObject field(String kind, Object value) {
    return new JsonObject().put(kind, value);
  }

  @Test
  void dataApiAnswersConform() {
    answer("/Execute", dataApi("SELECT id, name FROM " + table + " WHERE id > :id ORDER BY id")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "id").put("value", field("longValue", 0))))
        .put("includeResultMetadata", true), 200);
    answer("/Execute", dataApi("SELECT id, name FROM " + table).put("formatRecordsAs", "JSON"), 200);
    answer("/Execute", dataApi("INSERT INTO " + table + " (id, name) VALUES (:id, :name)").put("parameters", new JsonArray()
        .add(new JsonObject().put("name", "id").put("value", field("longValue", 30)))
        .add(new JsonObject().put("name", "name").put("value", field("stringValue", "thirty")))), 200);
    answer("/BatchExecute", dataApi("INSERT INTO " + table + " (id, name) VALUES (:id, :name)").put("parameterSets", new JsonArray()
        .add(new JsonArray().add(new JsonObject().put("name", "id").put("value", field("longValue", 31)))
            .add(new JsonObject().put("name", "name").put("value", field("stringValue", "thirty-one"))))), 200);

    String tx = answer("/BeginTransaction", envelope(), 200).json().getString("transactionId");
    answer("/Execute", dataApi("DELETE FROM " + table).put("transactionId", tx), 200);
    answer("/RollbackTransaction", envelope().put("transactionId", tx), 200);
    answer("/CommitTransaction", envelope().put("transactionId", tx), 404);
    String committed = answer("/BeginTransaction", envelope(), 200).json().getString("transactionId");
    answer("/CommitTransaction", envelope().put("transactionId", committed), 200);

    answer("/Execute", dataApi("SELECT * FROM no_such_table_oa"), 400);
    answer("/Execute", dataApi("INSERT INTO " + table + " (id, name) VALUES (99, 'one')"), 409);
    answer("/Execute", new JsonObject().put("database", "app"), 400);
  }

  @Test
  void authenticationRoleAndRateAnswersConform() {
    Map<String, String> env = new HashMap<>(engine().env());
    env.putAll(Map.of("GATEWAY_API_KEYS", "ow:write:openapi-write-secret,on:named:openapi-named-secret",
        "GATEWAY_LIMIT_REQUESTS_PER_SECOND", "1", "GATEWAY_LIMIT_BURST", "1"));
    GatewayUnderTest keyed = GatewayUnderTest.start(env);
    try {
      Response document = keyed.get(OpenApiConformance.PATH);
      assertThat(document.status()).as("the document needs no key").isEqualTo(200);
      openApi.assertConforms("GET", OpenApiConformance.PATH, document);
      JsonObject query = new JsonObject().put("sql", "SELECT 1 AS one");
      for (Map<String, String> wrong : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer nope-nope-nope"))) {
        Response refused = keyed.post("/v1/query", query, wrong);
        assertThat(refused.status()).isEqualTo(401);
        openApi.assertConforms("POST", "/v1/query", refused);
      }
      Response forbidden = keyed.post("/v1/query", query, Map.of("Authorization", "Bearer openapi-named-secret"));
      assertThat(forbidden.status()).isEqualTo(403);
      openApi.assertConforms("POST", "/v1/query", forbidden);
      Map<String, String> writer = Map.of("Authorization", "Bearer openapi-write-secret");
      Response first = keyed.post("/v1/query", query, writer);
      Response second = keyed.post("/v1/query", query, writer);
      assertThat(List.of(first.status(), second.status())).contains(429);
      openApi.assertConforms("POST", "/v1/query", first);
      openApi.assertConforms("POST", "/v1/query", second);
    } finally {
      keyed.close();
    }
  }

  @Test
  void healthAndMetricsAnswersConform() {
    for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      Response response = gateway.get(path);
      assertThat(response.status()).isEqualTo(200);
      openApi.assertConforms("GET", path, response);
    }
  }

  @Test
  void theDocumentIsServedWithoutAKeyAndIsTheOneTested() {
    Response response = gateway.get(OpenApiConformance.PATH);
    assertThat(response.status()).isEqualTo(200);
    openApi.assertConforms("GET", OpenApiConformance.PATH, response);
    assertThat(response.json()).isEqualTo(OpenApiConformance.resource());
  }
}
