package io.dbgateway.http;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.OpenApiConformance;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the code: a valid OpenAPI 3.1 document, the same operations as the
 * router, every error code with its status, and a validator that really rejects what it must.
 */
class OpenApiDocumentTest {

  private final OpenApiConformance openApi = OpenApiConformance.get();
  private final JsonObject document = openApi.document();

  @Test
  void isAValidOpenApi31Document() {
    assertThat(document.getString("openapi")).startsWith("3.1.");
    assertThat(openApi.documentErrors()).isEmpty();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws Exception {
    assertThat(routedOperations()).isEqualTo(documentedOperations());
  }

  /** "METHOD /path" for every route that answers a method on an exact path, path parameters as {name}. */
  private static Set<String> routedOperations() throws Exception {
    Map<String, String> env = Map.of("DB_TYPE", "sqlite", "GATEWAY_HTTP_PORT", Integer.toString(FreePorts.take()));
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig config = ConfigLoader.load(env);
      HttpVerticle http = new HttpVerticle(config, HealthChecks.create(vertx), HealthChecks.create(vertx),
          new RateLimiter(config.limits()), new GatewayMetrics(), null, null,
          new io.dbgateway.http.ClientLimits(config.http()), io.dbgateway.dataapi.DataApiRoutes.routes(config)); // routes only: no operations
      vertx.deployVerticle(http).await(30, TimeUnit.SECONDS);
      Set<String> routed = new TreeSet<>();
      for (Route route : http.router().getRoutes()) {
        if (route.getPath() == null && route.isRegexPath()) {
          routed.add("a regex route cannot be checked against the document");
        } else if (route.getPath() != null && route.isExactPath() && route.methods() != null) {
          String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
          route.methods().forEach(method -> routed.add(method.name() + " " + path));
        }
      }
      return routed;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private Set<String> documentedOperations() {
    Set<String> documented = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        documented.add(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)).name() + " " + path);
      }
    }
    return documented;
  }

  @Test
  void everyErrorCodeIsInTheProblemSchemaWithItsStatusTypeAndTitle() {
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    JsonObject problem = schemas.getJsonObject("Problem");
    List<String> codes = schemas.getJsonObject("ErrorCode").getJsonArray("enum").getList();
    assertThat(codes).containsExactlyInAnyOrder(names(ErrorCode.values()));
    JsonObject properties = problem.getJsonObject("properties");
    List<JsonObject> table = new ArrayList<>();
    problem.getJsonArray("x-error-codes").forEach(row -> table.add((JsonObject) row));
    assertThat(table).hasSize(ErrorCode.values().length);
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(table).as(code.name()).contains(new JsonObject().put("code", code.name()).put("status", code.status())
          .put("type", code.type()).put("title", code.title()));
      assertThat(properties.getJsonObject("type").getJsonArray("enum").getList()).contains(code.type());
      assertThat(properties.getJsonObject("title").getJsonArray("enum").getList()).contains(code.title());
      assertThat(properties.getJsonObject("status").getJsonArray("enum").getList()).contains(code.status());
    }
  }

  @Test
  void everyProblemResponseAllowsExactlyTheCodesOfItsStatusAndEveryCodeHasOne() {
    JsonObject responses = document.getJsonObject("components").getJsonObject("responses");
    Set<String> answered = new TreeSet<>();
    for (String name : responses.fieldNames()) {
      JsonObject content = responses.getJsonObject(name).getJsonObject("content");
      JsonObject media = content.getJsonObject(Problems.PROBLEM_JSON);
      if (media == null) {
        continue;
      }
      JsonObject constraint = media.getJsonObject("schema").getJsonArray("allOf").getJsonObject(1).getJsonObject("properties");
      int status = constraint.getJsonObject("status").getInteger("const");
      List<String> codes = constraint.getJsonObject("code").getJsonArray("enum").getList();
      // The Data API endpoints answer a statement timeout with 400, as AWS does (ErrorCode.dataApiStatus).
      boolean dataApi = name.startsWith("DataApi");
      List<String> expected = java.util.Arrays.stream(ErrorCode.values())
          .filter(c -> (dataApi ? c.dataApiStatus() : c.status()) == status).map(ErrorCode::name).toList();
      assertThat(codes).as(name).containsExactlyInAnyOrderElementsOf(expected);
      answered.addAll(codes);
    }
    assertThat(answered).containsExactlyInAnyOrder(names(ErrorCode.values()));
  }

  @Test
  void everyDataApiExceptionNameIsDocumented() {
    JsonObject components = document.getJsonObject("components");
    List<String> header = components.getJsonObject("headers").getJsonObject("X-Amzn-Errortype")
        .getJsonObject("schema").getJsonArray("enum").getList();
    List<String> body = components.getJsonObject("schemas").getJsonObject("DataApiError").getJsonObject("properties")
        .getJsonObject("__type").getJsonArray("enum").getList();
    for (ErrorCode code : ErrorCode.values()) {
      for (boolean namesTransaction : new boolean[] {false, true}) {
        assertThat(header).as(code.name()).contains(code.dataApiName(namesTransaction));
        assertThat(body).as(code.name()).contains(code.dataApiName(namesTransaction));
      }
    }
  }

  @Test
  void everyV1OperationNamesItsEventBusAddress() {
    JsonObject paths = document.getJsonObject("paths");
    Set<String> addresses = paths.fieldNames().stream().filter(p -> p.startsWith("/v1/"))
        .map(p -> paths.getJsonObject(p).getJsonObject("post").getString("x-eventbus-address"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(addresses).containsExactlyInAnyOrderElementsOf(io.dbgateway.api.Addresses.OPERATIONS);
  }

  private static String[] names(ErrorCode[] codes) {
    return java.util.Arrays.stream(codes).map(ErrorCode::name).toArray(String[]::new);
  }

  // The validator must not be vacuous: each of these answers breaks the document in one way.

  private static final String RESULT = new JsonObject().put("columns", new JsonArray().add(new JsonObject()
          .put("name", "one").put("type", "INTEGER")))
      .put("rows", new JsonArray().add(new JsonObject().put("one", 1))).put("rowCount", 1).put("updated", 0)
      .put("generatedKeys", new JsonArray()).put("truncated", false).put("node", "db:5432").put("elapsedMs", 0.5).encode();

  /** The headers every answer carries; each check below breaks the answer in one other way only. */
  private static final Map<String, String> HEADERS = Map.of("X-Request-Id", "r1");
  private static final Map<String, String> RETRY_HEADERS = Map.of("X-Request-Id", "r1", "Retry-After", "1");

  private static JsonObject problem(String code, int status) {
    return new JsonObject().put("type", "urn:dbgateway:error:unavailable").put("title", "Service unavailable")
        .put("status", status).put("code", code).put("detail", "d").putNull("sqlState").putNull("dbCode")
        .putNull("statementIndex").put("retryable", true);
  }

  @Test
  void aConformingAnswerPasses() {
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/json", HEADERS, RESULT)).isEmpty();
    assertThat(openApi.violations("POST", "/v1/transactions/abc/commit", 503, Problems.PROBLEM_JSON,
        RETRY_HEADERS, problem("UNAVAILABLE", 503).encode())).isEmpty();
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/x-ndjson", HEADERS,
        HEADER_LINE + "{\"one\":1}\n" + SUMMARY_LINE)).isEmpty();
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/x-ndjson", HEADERS,
        HEADER_LINE + "[1]\n" + new JsonObject().put("error", problem("UNAVAILABLE", 503).put("retryAfter", 1)).encode()))
        .isEmpty();
  }

  @Test
  void theValidatorRejectsABodyThatBreaksItsSchema() {
    String missingRows = new JsonObject(RESULT).copy().put("rowCount", "1").encode();
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/json", HEADERS, missingRows))
        .anySatisfy(v -> assertThat(v).contains("rowCount"));
    String extraField = new JsonObject(RESULT).put("secret", "x").encode();
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/json", HEADERS, extraField))
        .anySatisfy(v -> assertThat(v).contains("the body"));
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/json", HEADERS, "[1, 2"))
        .anySatisfy(v -> assertThat(v).contains("not JSON"));
  }

  @Test
  void theValidatorRejectsAProblemWhoseCodeDoesNotBelongToItsStatus() {
    assertThat(openApi.violations("POST", "/v1/query", 503, Problems.PROBLEM_JSON, RETRY_HEADERS,
        problem("NOPE", 503).encode())).anySatisfy(v -> assertThat(v).contains("/code"));
    assertThat(openApi.violations("POST", "/v1/query", 503, Problems.PROBLEM_JSON, RETRY_HEADERS,
        problem("TIMEOUT", 503).encode())).anySatisfy(v -> assertThat(v).contains("/code"));
  }

  @Test
  void theValidatorRejectsMissingHeadersWrongContentTypesAndUndocumentedStatuses() {
    String unavailable = problem("UNAVAILABLE", 503).encode();
    assertThat(openApi.violations("POST", "/v1/query", 503, Problems.PROBLEM_JSON, HEADERS, unavailable))
        .anySatisfy(v -> assertThat(v).contains("Retry-After"));
    assertThat(openApi.violations("POST", "/v1/query", 503, Problems.PROBLEM_JSON,
        Map.of("X-Request-Id", "r1", "Retry-After", "soon"), unavailable)).anySatisfy(v -> assertThat(v).contains("Retry-After"));
    assertThat(openApi.violations("POST", "/v1/query", 503, Problems.PROBLEM_JSON, Map.of("Retry-After", "1"), unavailable))
        .anySatisfy(v -> assertThat(v).contains("X-Request-Id"));
    assertThat(openApi.violations("POST", "/v1/query", 503, "application/json", RETRY_HEADERS, unavailable))
        .anySatisfy(v -> assertThat(v).contains("content type"));
    assertThat(openApi.violations("POST", "/v1/query", 418, Problems.PROBLEM_JSON, HEADERS, unavailable))
        .anySatisfy(v -> assertThat(v).contains("418"));
    assertThat(openApi.violations("GET", "/v1/query", 200, "application/json", HEADERS, RESULT))
        .anySatisfy(v -> assertThat(v).contains("no operation"));
    assertThat(openApi.violations("POST", "/v1/queries", 200, "application/json", HEADERS, RESULT))
        .anySatisfy(v -> assertThat(v).contains("no operation"));
  }

  private static final String HEADER_LINE = "{\"columns\":[{\"name\":\"one\",\"type\":\"INTEGER\"}]}\n";
  private static final String SUMMARY_LINE =
      "{\"rowCount\":1,\"truncated\":false,\"node\":\"db:5432\",\"elapsedMs\":1.5}\n";

  @Test
  void theValidatorRejectsABadStream() {
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/x-ndjson", HEADERS,
        HEADER_LINE + "42\n" + SUMMARY_LINE)).anySatisfy(v -> assertThat(v).contains("line 2"));
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/x-ndjson", HEADERS,
        "{\"one\":1}\n" + SUMMARY_LINE)).anySatisfy(v -> assertThat(v).contains("line 1"));
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/x-ndjson", HEADERS,
        HEADER_LINE + "{\"one\":1}\n")).anySatisfy(v -> assertThat(v).contains("line 2"));
    assertThat(openApi.violations("POST", "/v1/query", 200, "application/x-ndjson", HEADERS,
        HEADER_LINE + "{\"error\":{\"code\":\"NOPE\"}}\n")).anySatisfy(v -> assertThat(v).contains("line 2"));
  }
}
