package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bearer keys on every API path, and nowhere else; engine-independent, so it runs on SQLite. */
class HttpAuthTest {

  static final String WRITE_SECRET = "write-secret-0123456789";
  static final String READ_SECRET = "read-secret-0123456789";

  @TempDir
  static Path dir;
  static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    gateway = GatewayUnderTest.start(sqlite(dir.resolve("auth.db"), Map.of(
        "GATEWAY_API_KEYS", "writer:write:" + WRITE_SECRET + ",reader:read:" + READ_SECRET)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Map<String, String> sqlite(Path file, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("DB_TYPE", "sqlite", "DB_NAME", file.toString(),
        "DB_MAX_RETRIES", "3", "DB_RETRY_DELAY", "0.2"));
    env.putAll(more);
    return env;
  }

  static Map<String, String> bearer(String secret) {
    return Map.of("Authorization", "Bearer " + secret);
  }

  static final JsonObject SELECT_ONE = new JsonObject().put("sql", "SELECT 1 AS one");

  @ParameterizedTest
  @ValueSource(strings = {"/v1/query", "/v1/batch", "/v1/transaction", "/v1/transactions", "/v1/queries/any",
      "/v1/nothing-here", "/Execute", "/BatchExecute", "/BeginTransaction", "/CommitTransaction", "/RollbackTransaction"})
  void everyApiPathAnswers401WithoutAKey(String path) {
    Response r = gateway.post(path, SELECT_ONE);
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(r.header("Content-Type")).isEqualTo(Problems.PROBLEM_JSON);
    assertThat(r.json().getString("code")).isEqualTo("UNAUTHORIZED");
  }

  /**
   * Failures from one address past their burst are answered late, with Retry-After, and counted; a valid
   * key from the same address is never held back. A gateway of its own: the other tests fail too.
   */
  @Test
  void repeatedFailuresFromOneAddressAreSlowedButAValidKeyIsNot() {
    GatewayUnderTest own = GatewayUnderTest.start(sqlite(dir.resolve("slowed.db"), Map.of(
        "GATEWAY_API_KEYS", "writer:write:" + WRITE_SECRET)));
    try {
      Response first = own.post("/v1/query", SELECT_ONE, bearer("wrong-secret-0123456789"));
      assertThat(first.status()).isEqualTo(401);
      assertThat(first.header("Retry-After")).as("within the burst: answered at once").isNull();
      Response slowed = null;
      for (int i = 0; i < 10 * io.dbgateway.auth.AuthFailures.BURST && slowed == null; i++) {
        Response r = own.post("/v1/query", SELECT_ONE, bearer("wrong-secret-0123456789"));
        assertThat(r.status()).isEqualTo(401);
        slowed = r.header("Retry-After") == null ? null : r;
      }
      assertThat(slowed).as("a failure past the burst is slowed").isNotNull();
      assertThat(slowed.header("Retry-After")).isEqualTo("1");
      assertThat(slowed.json().getString("code")).isEqualTo("UNAUTHORIZED");

      Response valid = own.post("/v1/query", SELECT_ONE, bearer(WRITE_SECRET));
      assertThat(valid.status()).as(valid.body()).isEqualTo(200);
      assertThat(valid.header("Retry-After")).isNull();

      io.dbgateway.testing.Scrape scrape = io.dbgateway.testing.Scrape.of(own);
      assertThat(scrape.value("dbgateway_auth_failures_total", Map.of("slowed", "true"))).isGreaterThanOrEqualTo(1);
      assertThat(scrape.value("dbgateway_auth_failures_total", Map.of("slowed", "false")))
          .isGreaterThanOrEqualTo(io.dbgateway.auth.AuthFailures.BURST - 1);
    } finally {
      own.close();
    }
  }

  @Test
  void aWrongSecretAnAlmostRightOneAndOtherSchemesAre401() {
    for (Map<String, String> headers : List.of(bearer("wrong-secret-0123456789"), bearer(WRITE_SECRET + "x"),
        bearer(WRITE_SECRET.substring(1)), bearer(""), Map.of("Authorization", WRITE_SECRET),
        Map.of("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("writer:" + WRITE_SECRET).getBytes())))) {
      Response r = gateway.post("/v1/query", SELECT_ONE, headers);
      assertThat(r.status()).as(headers + ": " + r.body()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(r.body()).doesNotContain(WRITE_SECRET);
    }
  }

  @Test
  void aConfiguredKeyIsLetThroughWhateverTheCaseOfTheScheme() {
    Response r = gateway.post("/v1/query", SELECT_ONE, bearer(WRITE_SECRET));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows")).isEqualTo(new JsonArray().add(new JsonObject().put("one", 1)));
    Response lower = gateway.post("/v1/query", SELECT_ONE, Map.of("Authorization", "bearer " + READ_SECRET));
    assertThat(lower.status()).as(lower.body()).isEqualTo(200);
  }

  @Test
  void awsSignaturesAreOnlyConsideredOnDataApiPaths() {
    Map<String, String> sigV4 = Map.of("Authorization",
        "AWS4-HMAC-SHA256 Credential=writer/20250101/us-east-1/rds-data/aws4_request, SignedHeaders=host, Signature=00");
    Response r = gateway.post("/v1/query", SELECT_ONE, sigV4);
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(r.json().getString("detail")).contains("Bearer");
    // On a Data API path the signature is checked, and a wrong one is refused as AWS does: 403.
    String now = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
        .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
    Map<String, String> signed = Map.of("X-Amz-Date", now, "Authorization", "AWS4-HMAC-SHA256 Credential=writer/"
        + now.substring(0, 8) + "/us-east-1/rds-data/aws4_request, SignedHeaders=host;x-amz-date, Signature="
        + "0".repeat(64));
    Response dataApi = gateway.post("/Execute", new JsonObject().put("resourceArn", "arn:aws:rds:x").put("secretArn", "arn:y")
        .put("sql", "SELECT 1"), signed);
    assertThat(dataApi.status()).as(dataApi.body()).isEqualTo(403);
    assertThat(dataApi.header("X-Amzn-Errortype")).isEqualTo("ForbiddenException");
  }

  @Test
  void healthNeedsNoKey() {
    assertThat(gateway.get("/health/live").status()).isEqualTo(200);
    assertThat(gateway.get("/health/ready").status()).isEqualTo(200);
    // Not an API path: whatever it answers, it is not a demand for a key.
    assertThat(gateway.get("/metrics").status()).isNotEqualTo(401);
    assertThat(gateway.get("/openapi.json").status()).isNotEqualTo(401);
  }

  @Test
  void aBodyOverTheLimitIs413OnV1AndDataApiPathsWithAKeyAndWithoutOneIsNeverRead(@TempDir Path own) {
    GatewayUnderTest small = GatewayUnderTest.start(sqlite(own.resolve("small.db"), Map.of(
        "GATEWAY_API_KEYS", "writer:write:" + WRITE_SECRET, "GATEWAY_HTTP_MAX_BODY_BYTES", "1024")));
    try {
      JsonObject big = new JsonObject().put("sql", "SELECT '" + "x".repeat(2000) + "' AS big");
      JsonObject fits = new JsonObject().put("sql", "SELECT '" + "x".repeat(900) + "' AS big");
      for (String path : List.of("/v1/query", "/v1/transaction", "/Execute", "/BatchExecute")) {
        Response r = small.post(path, big, bearer(WRITE_SECRET));
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(413);
        assertThat(r.json().getString("code")).isEqualTo("TOO_LARGE");
        assertThat(r.json().getString("detail")).contains("1024");
        // Without a key the answer comes from the headers: the body is never read, whatever its size.
        Response anonymous = small.post(path, big, Map.of());
        assertThat(anonymous.status()).as(path + " " + anonymous.body()).isEqualTo(401);
      }
      Response ok = small.post("/v1/query", fits, bearer(WRITE_SECRET));
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    } finally {
      small.close();
    }
  }

  @Test
  void withoutKeysOnLoopbackEveryRequestIsAnonymous(@TempDir Path own) throws Exception {
    GatewayUnderTest open = GatewayUnderTest.start(sqlite(own.resolve("open.db"), Map.of()));
    try {
      Response r = open.post("/v1/query", SELECT_ONE);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      // A stray Authorization header changes nothing: there are no keys to check it against.
      Response withHeader = open.post("/v1/query", SELECT_ONE, bearer("anything-at-all-here"));
      assertThat(withHeader.status()).as(withHeader.body()).isEqualTo(200);
      Response write = open.post("/v1/query", new JsonObject().put("sql", "CREATE TABLE anon_t (a INT)"));
      assertThat(write.status()).as("anonymous callers may write: " + write.body()).isEqualTo(200);
    } finally {
      open.close();
    }
    assertThat(Files.exists(own.resolve("open.db"))).isTrue();
  }
}
