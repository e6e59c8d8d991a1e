package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page can make an anonymous gateway on loopback do (issue #12): nothing. Requests are
 * written as a browser sends them (a "simple" cross-origin POST, a rebinding name in Host, an Origin), on
 * raw sockets so every header is the test's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserGuardTest {

  @TempDir
  static Path dir;
  GatewayUnderTest open;
  GatewayUnderTest withCors;

  @BeforeAll
  void start() {
    open = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("browser.db"), Map.of()));
    withCors = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("cors.db"), Map.of(
        "GATEWAY_HTTP_CORS_ORIGINS", "https://app.example.com", "GATEWAY_HTTP_ALLOWED_HOSTS", "gateway.internal")));
    assertThat(open.post("/v1/query", "{\"sql\":\"CREATE TABLE hits (id INTEGER)\"}").status()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    open.close();
    withCors.close();
  }

  record Answer(int status, String head, String body) {}

  /** Sends {@code request} as it is and reads one answer (and, with {@code untilClosed}, up to the end). */
  private static Answer exchange(GatewayUnderTest gateway, String request, boolean untilClosed) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.replace("PORT", Integer.toString(gateway.port()))
          .getBytes(StandardCharsets.ISO_8859_1));
      String text = io.dbgateway.testing.RawHttp.read(socket, received -> !untilClosed && complete(received));
      int split = text.indexOf("\r\n\r\n");
      return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, split), text.substring(split + 4));
    }
  }

  private static boolean complete(String text) {
    int split = text.indexOf("\r\n\r\n");
    if (split < 0) {
      return false;
    }
    String head = text.substring(0, split).toLowerCase();
    int at = head.indexOf("content-length:");
    if (at < 0) {
      return true;
    }
    int length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at) < 0 ? head.length() : head.indexOf("\r\n", at)).trim());
    return text.length() - split - 4 >= length;
  }

  private static String post(String path, String contentType, String body, String... headers) {
    StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n");
    if (contentType != null) {
      request.append("Content-Type: ").append(contentType).append("\r\n");
    }
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
        .append(body).toString();
  }

  private static final String INSERT = "{\"sql\":\"INSERT INTO hits (id) VALUES (1)\"}";

  private int hits() {
    GatewayUnderTest.Response r = open.post("/v1/query", "{\"sql\":\"SELECT COUNT(*) AS n FROM hits\"}");
    return r.json().getJsonArray("rows").getJsonObject(0).getInteger("n");
  }

  @Test
  void aSimpleCrossOriginPostIsRefused415AndRunsNothing() throws IOException {
    for (String type : new String[] {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", null}) {
      Answer a = exchange(open, post("/v1/query", type, INSERT), false);
      assertThat(a.status()).as("%s: %s", type, a.body()).isEqualTo(415);
      assertThat(a.body()).contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\"");
    }
    assertThat(hits()).isZero();
    Answer json = exchange(open, post("/v1/query", "application/json; charset=utf-8", "{\"sql\":\"SELECT 1 AS one\"}"), false);
    assertThat(json.status()).as(json.body()).isEqualTo(200);
  }

  @Test
  void aPageFromAnotherOriginIsRefused() throws IOException {
    Answer a = exchange(open, post("/v1/query", "application/json", INSERT, "Origin: https://evil.example"), false);
    assertThat(a.status()).as(a.body()).isEqualTo(403);
    assertThat(a.head()).doesNotContainIgnoringCase("Access-Control-Allow-Origin");
    Answer preflight = exchange(open, "OPTIONS /v1/query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nOrigin: https://evil.example\r\n"
        + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n", false);
    assertThat(preflight.head()).doesNotContainIgnoringCase("Access-Control-Allow-Origin");
    assertThat(hits()).isZero();
  }

  @Test
  void anAllowedOriginGetsItsPreflightAndCorsHeaders() throws IOException {
    Answer preflight = exchange(withCors, "OPTIONS /v1/query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
        + "Origin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\n"
        + "Access-Control-Request-Headers: authorization, content-type\r\n\r\n", false);
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.head()).contains("Access-Control-Allow-Origin: https://app.example.com")
        .containsIgnoringCase("Access-Control-Allow-Headers: Authorization, Content-Type");
    Answer a = exchange(withCors, post("/v1/query", "application/json", "{\"sql\":\"SELECT 1 AS one\"}",
        "Origin: https://app.example.com"), false);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.head()).contains("Access-Control-Allow-Origin: https://app.example.com");
  }

  @Test
  void aRebindingNameInHostIsRefusedAndTheGatewaysOwnNamesAreNot() throws IOException {
    String select = "{\"sql\":\"SELECT 1 AS one\"}";
    Answer rebound = exchange(open, post("/v1/query", "application/json", INSERT).replace("Host: 127.0.0.1:PORT",
        "Host: attacker.example:PORT"), false);
    assertThat(rebound.status()).as(rebound.body()).isEqualTo(403);
    assertThat(rebound.body()).contains("GATEWAY_HTTP_ALLOWED_HOSTS");
    assertThat(hits()).isZero();
    for (String host : new String[] {"localhost:PORT", "127.0.0.1", "[::1]:PORT"}) {
      Answer a = exchange(open, post("/v1/query", "application/json", select).replace("Host: 127.0.0.1:PORT", "Host: " + host), false);
      assertThat(a.status()).as(host).isEqualTo(200);
    }
    Answer named = exchange(withCors, post("/v1/query", "application/json", select)
        .replace("Host: 127.0.0.1:PORT", "Host: gateway.internal:PORT"), false);
    assertThat(named.status()).as("a name in GATEWAY_HTTP_ALLOWED_HOSTS").isEqualTo(200);
  }

  @Test
  void contentLengthWithTransferEncodingIsAnsweredThenClosed() throws IOException {
    String body = "{\"sql\":\"SELECT 1 AS one\"}";
    String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
    Answer a = exchange(open, "POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
        + "POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nContent-Type: application/json\r\nContent-Length: "
        + INSERT.length() + "\r\n\r\n" + INSERT, true);
    assertThat(a.head()).containsIgnoringCase("connection: close");
    assertThat(a.body()).as("no second answer: the connection closed after the first").doesNotContain("HTTP/1.1");
    assertThat(hits()).as("the request smuggled after it never ran").isZero();

    Answer gzip = exchange(open, "POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", true);
    assertThat(gzip.status()).isEqualTo(400);
  }

  /** {"sql": "SELECT 1", "sql": "DROP TABLE hits"} ran the DROP: the last duplicate won. */
  @Test
  void aBodyThatNamesAMemberTwiceIsRefusedOnEveryEndpoint() throws IOException {
    String twice = "{\"sql\":\"SELECT 1 AS one\",\"sql\":\"DROP TABLE hits\"}";
    for (String path : new String[] {"/v1/query", "/Execute"}) {
      String body = path.equals("/Execute") ? "{\"resourceArn\":\"arn:aws:rds:us-east-1:1:cluster:gw\","
          + "\"secretArn\":\"arn:aws:secretsmanager:us-east-1:1:secret:gw\",\"sql\":\"SELECT 1\",\"sql\":\"DROP TABLE hits\"}"
          : twice;
      Answer a = exchange(open, post(path, "application/json", body), false);
      assertThat(a.status()).as("%s: %s", path, a.body()).isEqualTo(400);
      assertThat(a.body()).contains("sql").contains("twice");
    }
    assertThat(hits()).as("the table is still there").isZero();
  }

  @Test
  void twoAuthorizationHeadersAreRefused() {
    GatewayUnderTest keyed = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("keyed.db"),
        Map.of("GATEWAY_API_KEYS", "a:write:first-secret-0123456789,b:read:second-secret-0123456789")));
    try {
      Answer a = exchange(keyed, post("/v1/query", "application/json", "{\"sql\":\"SELECT 1 AS one\"}",
          "Authorization: Bearer second-secret-0123456789", "Authorization: Bearer first-secret-0123456789"), false);
      assertThat(a.status()).as(a.body()).isEqualTo(400);
      assertThat(a.body()).contains("one Authorization header");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      keyed.close();
    }
  }

  @Test
  void theAccessLogShowsOnlyTheStartOfATransactionId() {
    assertThat(AccessLog.loggedPath("/v1/transactions/0123456789abcdef0123/commit"))
        .isEqualTo("/v1/transactions/012345.../commit");
    assertThat(AccessLog.loggedPath("/v1/transactions/0123456789abcdef")).isEqualTo("/v1/transactions/012345...");
    assertThat(AccessLog.loggedPath("/v1/query")).isEqualTo("/v1/query");
    assertThat(AccessLog.loggedPath("/" + "x".repeat(1000))).hasSize(256 + 3);
  }
}
