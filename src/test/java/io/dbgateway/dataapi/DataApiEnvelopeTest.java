package io.dbgateway.dataapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Data API endpoints over plain HTTP: every error, whoever reports it, carries the Data API's
 * exception name (header and {@code __type}) and {@code message} beside the problem fields; Bearer keys
 * work too; and the two request fields the Data API relies on ({@code paramTypes}, {@code columnMetadata})
 * work on {@code /v1/query}.
 */
class DataApiEnvelopeTest {

  private static final String SECRET = "envelope-secret-0123456789";
  private static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + SECRET);
  private static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    Map<String, String> env = new HashMap<>(DataApiSdkTck.freshSqliteFile());
    env.put("GATEWAY_API_KEYS", "envelope:write:" + SECRET);
    env.put("GATEWAY_HTTP_MAX_BODY_BYTES", "2048");
    gateway = GatewayUnderTest.start(env);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static void assertDataApiError(Response r, int status, String exception, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("X-Amzn-Errortype")).isEqualTo(exception);
    JsonObject body = r.json();
    assertThat(body.getString("__type")).isEqualTo(exception);
    assertThat(body.getString("code")).isEqualTo(code);
    assertThat(body.getString("message")).isNotBlank().isEqualTo(body.getString("detail"));
  }

  @Test
  void aMissingKeyIsUnrecognizedClientException() {
    assertDataApiError(gateway.post("/Execute", new JsonObject().put("sql", "SELECT 1")), 401,
        "UnrecognizedClientException", "UNAUTHORIZED");
  }

  @Test
  void aBodyOverTheLimitIsBadRequestException() {
    JsonObject big = new JsonObject().put("sql", "SELECT '" + "x".repeat(3000) + "'");
    assertDataApiError(gateway.post("/Execute", big, BEARER), 413, "BadRequestException", "TOO_LARGE");
  }

  @Test
  void malformedEnvelopesAreBadRequestException() {
    assertDataApiError(gateway.post("/BatchExecute", "{\"sql\": ", BEARER), 400, "BadRequestException", "BAD_REQUEST");
    assertDataApiError(gateway.post("/Execute", new JsonObject().put("database", "app"), BEARER), 400,
        "BadRequestException", "BAD_REQUEST");
    assertDataApiError(gateway.post("/Execute", new JsonObject().put("sql", "SELECT :x")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "x").put("value", "plain"))), BEARER),
        400, "BadRequestException", "BAD_REQUEST");
    assertDataApiError(gateway.post("/Execute", new JsonObject().put("sql", "SELECT 1").put("includeResultMetadata", "yes"),
        BEARER), 400, "BadRequestException", "BAD_REQUEST");
  }

  @Test
  void aSqlErrorIsDatabaseErrorException() {
    assertDataApiError(gateway.post("/Execute", new JsonObject().put("sql", "SELECT * FROM nowhere"), BEARER), 400,
        "DatabaseErrorException", "SQL_ERROR");
  }

  @Test
  void aBearerKeyWorksOnTheDataApi() {
    Response r = gateway.post("/Execute", new JsonObject().put("sql", "SELECT 1 AS one").put("resourceArn", "arn:x"), BEARER);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("records"))
        .isEqualTo(new JsonArray().add(new JsonArray().add(new JsonObject().put("longValue", 1))));
    assertThat(r.json().getLong("numberOfRecordsUpdated")).isZero();
  }

  @Test
  void v1QueryTakesParamTypesAndDescribesColumnsOnRequest() {
    Response r = gateway.post("/v1/query", new JsonObject()
        .put("sql", "SELECT :t AS t, :b AS b").put("params", new JsonObject().put("t", "2024-01-31T23:59:30Z").put("b", "AAH/"))
        .put("paramTypes", new JsonObject().put("t", "TIMESTAMP").put("b", "BINARY"))
        .put("columnMetadata", true), BEARER);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows").getJsonObject(0)).isEqualTo(new JsonObject().put("t", "2024-01-31 23:59:30").put("b", "AAH/"));
    JsonObject column = r.json().getJsonArray("columns").getJsonObject(0);
    assertThat(column.getString("name")).isEqualTo("t");
    assertThat(column.getInteger("nullable")).isEqualTo(2);
    assertThat(column.containsKey("precision")).isTrue();

    Response bad = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT :t AS t")
        .put("params", new JsonObject().put("t", "x")).put("paramTypes", new JsonObject().put("t", "MONEY")), BEARER);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("detail")).contains("paramTypes.t must be one of");
    assertThat(bad.header("X-Amzn-Errortype")).isNull();
  }
}
