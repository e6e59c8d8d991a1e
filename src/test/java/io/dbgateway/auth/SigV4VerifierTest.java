package io.dbgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.error.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SigV4 verification against requests sent byte for byte over a socket to a real Vert.x server:
 * vectors from AWS's published SigV4 test suite (service {@code service}), vectors signed by the AWS
 * SDK's own signer ({@code src/test/node/data-api/sigv4-vectors.mjs}, service {@code rds-data}), and
 * every way a signature can be wrong.
 */
class SigV4VerifierTest {

  /** AWS's test-suite credentials. */
  private static final String SUITE_KEY_ID = "AKIDEXAMPLE";
  private static final String SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");

  /** The credentials sigv4-vectors.mjs signs with. */
  private static final String SDK_KEY_ID = "gw-writer";
  private static final String SDK_SECRET = "s3cr3t/with+chars=";
  private static final Instant SDK_TIME = Instant.parse("2024-01-31T23:59:30Z");

  private static final ApiKeys KEYS = new ApiKeys(List.of(
      new ApiKey(SUITE_KEY_ID, Role.WRITE, SUITE_SECRET),
      new ApiKey(SDK_KEY_ID, Role.READ, SDK_SECRET)));

  private static Vertx vertx;
  private static HttpServer server;
  /** The verifier the server uses for the next request; tests run one at a time. */
  private static volatile SigV4Verifier verifier;

  @BeforeAll
  static void startServer() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String answer;
      int status;
      try {
        Caller caller = verifier.verify(request, body);
        status = 200;
        answer = caller.keyId() + " " + caller.role().label();
      } catch (GatewayException e) {
        status = e.problem().status();
        answer = e.code() + " " + e.problem().detail();
      } catch (RuntimeException e) {
        status = 500;
        answer = e.toString();
      }
      request.response().setStatusCode(status).end(answer);
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopServer() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private record Answer(int status, String body) {}

  /** Sends {@code head} (request line and headers, without the blank line) and {@code body} as they are. */
  private static Answer send(SigV4Verifier using, String head, String body) throws IOException {
    verifier = using;
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    String request = head + (payload.length > 0 || head.startsWith("POST") ? "\r\nContent-Length: " + payload.length : "")
        + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.write(payload);
      out.flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      in.transferTo(response);
      String text = response.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      return new Answer(status, text.substring(text.indexOf("\r\n\r\n") + 4));
    }
  }

  private static SigV4Verifier suiteVerifier() {
    return new SigV4Verifier(KEYS, Clock.fixed(SUITE_TIME, ZoneOffset.UTC), "service");
  }

  private static SigV4Verifier sdkVerifier(Instant now) {
    return new SigV4Verifier(KEYS, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static String suiteAuthorization(String signedHeaders, String signature) {
    return "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=" + signedHeaders + ", Signature=" + signature;
  }

  // ---- AWS's published test suite ----

  @Test
  void awsSuiteGetVanillaVerifies() throws IOException {
    Answer a = send(suiteVerifier(), "GET / HTTP/1.1\r\nHost:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n"
        + suiteAuthorization("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"), "");
    assertThat(a).isEqualTo(new Answer(200, "AKIDEXAMPLE write"));
  }

  @Test
  void awsSuitePostVanillaVerifies() throws IOException {
    Answer a = send(suiteVerifier(), "POST / HTTP/1.1\r\nHost:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n"
        + suiteAuthorization("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"), "");
    assertThat(a).isEqualTo(new Answer(200, "AKIDEXAMPLE write"));
  }

  @Test
  void awsSuiteGetVanillaQueryOrderKeyCaseVerifies() throws IOException {
    Answer a = send(suiteVerifier(), "GET /?Param2=value2&Param1=value1 HTTP/1.1\r\nHost:example.amazonaws.com\r\n"
        + "X-Amz-Date:20150830T123600Z\r\n"
        + suiteAuthorization("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"), "");
    assertThat(a).isEqualTo(new Answer(200, "AKIDEXAMPLE write"));
  }

  // ---- requests signed by the AWS SDK's signer ----

  private static final String EXECUTE_BODY =
      "{\"resourceArn\":\"arn:x\",\"sql\":\"SELECT 1 AS one\",\"includeResultMetadata\":true}";

  private static Map<String, String> executeHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", "127.0.0.1:8080");
    headers.put("content-type", "application/json");
    headers.put("x-amz-user-agent", "aws-sdk-js/3");
    headers.put("amz-sdk-request", "attempt=1; max=3");
    headers.put("x-amz-date", "20240131T235930Z");
    headers.put("x-amz-content-sha256", "b8cf08c3cf0ca9bb3d0851ee2da90a0915f338ed22ee97eb0da13b9d39e63c2f");
    headers.put("authorization", "AWS4-HMAC-SHA256 Credential=gw-writer/20240131/eu-west-3/rds-data/aws4_request, "
        + "SignedHeaders=amz-sdk-request;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-user-agent, "
        + "Signature=af9c7a7aae850f2f6c6690c15f7895d95876229c9ecad6ec4c372839198f7cb7");
    return headers;
  }

  private static String head(String requestLine, Map<String, String> headers) {
    StringBuilder head = new StringBuilder(requestLine);
    headers.forEach((name, value) -> head.append("\r\n").append(name).append(": ").append(value));
    return head.toString();
  }

  private static Answer execute(Map<String, String> headers, String body, Instant now) throws IOException {
    return send(sdkVerifier(now), head("POST /Execute HTTP/1.1", headers), body);
  }

  @Test
  void aSignedRequestSentAgainMayOnlyRead() throws IOException {
    SeenSignatures seen = new SeenSignatures(() -> SDK_TIME);
    // The SDK vector's key as a write key: the signature depends on the secret, not on the role.
    ApiKeys writer = new ApiKeys(List.of(new ApiKey(SDK_KEY_ID, Role.WRITE, SDK_SECRET)));
    SigV4Verifier verifier = new SigV4Verifier(writer, Clock.fixed(SDK_TIME, ZoneOffset.UTC), seen);
    String request = head("POST /Execute HTTP/1.1", executeHeaders());
    assertThat(send(verifier, request, EXECUTE_BODY)).isEqualTo(new Answer(200, "gw-writer write"));
    assertThat(send(verifier, request, EXECUTE_BODY)).as("sent again").isEqualTo(new Answer(200, "gw-writer read"));
    // Another verifier sharing the same memory (another event loop of the process) knows it too.
    Answer elsewhere = send(new SigV4Verifier(writer, Clock.fixed(SDK_TIME, ZoneOffset.UTC), seen), request, EXECUTE_BODY);
    assertThat(elsewhere).isEqualTo(new Answer(200, "gw-writer read"));
    assertThat(seen.size()).isEqualTo(1);
  }

  @Test
  void aFullMemoryForgetsOnlyExpiredSignaturesAndOtherwiseSheds() {
    java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(SDK_TIME);
    SeenSignatures seen = new SeenSignatures(now::get, 2);
    seen.firstUse("a", SDK_TIME.plusSeconds(60));
    seen.firstUse("b", SDK_TIME.plusSeconds(600));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen.firstUse("c", SDK_TIME.plusSeconds(600)))
        .isInstanceOfSatisfying(io.dbgateway.error.GatewayException.class,
            e -> assertThat(e.problem().status()).isEqualTo(503));
    now.set(SDK_TIME.plusSeconds(61)); // "a" has left its window: it cannot be replayed any more
    seen.firstUse("c", SDK_TIME.plusSeconds(700));
    assertThat(seen.size()).isEqualTo(2);
    assertThat(seen.firstUse("b", SDK_TIME.plusSeconds(600))).as("b is remembered still").isFalse();
  }

  @Test
  void sdkSignedExecuteVerifiesAsTheKeysCaller() throws IOException {
    assertThat(execute(executeHeaders(), EXECUTE_BODY, SDK_TIME)).isEqualTo(new Answer(200, "gw-writer read"));
  }

  @Test
  void sdkSignedRequestWithDotSegmentsEscapesQueryAndPaddedHeaderVerifies() throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", "127.0.0.1:8080");
    headers.put("content-type", "application/json");
    headers.put("x-custom", "  spaced   out  value ");
    headers.put("x-amz-date", "20240131T235930Z");
    headers.put("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    headers.put("authorization", "AWS4-HMAC-SHA256 Credential=gw-writer/20240131/eu-west-3/rds-data/aws4_request, "
        + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-custom, "
        + "Signature=994b2df3cd00923c04fa9702f6424a8f5ea1b2afa6faa8ea5f988b12f285e642");
    Answer a = send(sdkVerifier(SDK_TIME),
        head("POST /a%20b/../Begin%20Transaction/./x?b=2%203&a=z&a=y&%C3%A9=%C3%BC%2F%2B HTTP/1.1", headers), "");
    assertThat(a).isEqualTo(new Answer(200, "gw-writer read"));
  }

  @Test
  void aClockWithinFifteenMinutesEitherWayAccepts() throws IOException {
    assertThat(execute(executeHeaders(), EXECUTE_BODY, SDK_TIME.plusSeconds(14 * 60)).status()).isEqualTo(200);
    assertThat(execute(executeHeaders(), EXECUTE_BODY, SDK_TIME.minusSeconds(14 * 60)).status()).isEqualTo(200);
  }

  // ---- wrong signatures: 403 ----

  @Test
  void aWrongSecretIsForbidden() throws IOException {
    SigV4Verifier wrongSecret = new SigV4Verifier(new ApiKeys(List.of(new ApiKey(SDK_KEY_ID, Role.READ, "other"))),
        Clock.fixed(SDK_TIME, ZoneOffset.UTC));
    Answer a = send(wrongSecret, head("POST /Execute HTTP/1.1", executeHeaders()), EXECUTE_BODY);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a).as("the same answer as for an unknown key id: nothing tells which ids exist")
        .isEqualTo(new Answer(403, "FORBIDDEN " + SigV4Verifier.SIGNATURE_REFUSED));
  }

  @Test
  void anUnknownKeyIdIsForbidden() throws IOException {
    SigV4Verifier noSuchKey = new SigV4Verifier(new ApiKeys(List.of(new ApiKey("someone-else", Role.WRITE, SDK_SECRET))),
        Clock.fixed(SDK_TIME, ZoneOffset.UTC));
    Answer a = send(noSuchKey, head("POST /Execute HTTP/1.1", executeHeaders()), EXECUTE_BODY);
    assertThat(a).isEqualTo(new Answer(403, "FORBIDDEN " + SigV4Verifier.SIGNATURE_REFUSED));
  }

  @Test
  void aChangedBodyIsForbidden() throws IOException {
    Answer a = execute(executeHeaders(), EXECUTE_BODY.replace("SELECT 1", "SELECT 2"), SDK_TIME);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.body()).contains("signature does not verify");
  }

  @Test
  void aChangedSignedHeaderIsForbidden() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("x-amz-user-agent", "aws-sdk-js/4");
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME).status()).isEqualTo(403);
  }

  @Test
  void aChangedPathIsForbidden() throws IOException {
    Answer a = send(sdkVerifier(SDK_TIME), head("POST /BatchExecute HTTP/1.1", executeHeaders()), EXECUTE_BODY);
    assertThat(a.status()).isEqualTo(403);
  }

  @Test
  void aSignatureOlderOrNewerThanFifteenMinutesIsForbidden() throws IOException {
    Answer late = execute(executeHeaders(), EXECUTE_BODY, SDK_TIME.plusSeconds(16 * 60));
    assertThat(late.status()).isEqualTo(403);
    assertThat(late.body()).contains("more than 15 minutes from the gateway's clock");
    assertThat(execute(executeHeaders(), EXECUTE_BODY, SDK_TIME.minusSeconds(16 * 60)).status()).isEqualTo(403);
  }

  @Test
  void aScopeDateThatIsNotTheRequestDateIsForbidden() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("authorization", headers.get("authorization").replace("/20240131/", "/20240130/"));
    Answer a = execute(headers, EXECUTE_BODY, SDK_TIME);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.body()).contains("scope's date 20240130");
  }

  @Test
  void aScopeForAnotherServiceIsForbidden() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("authorization", headers.get("authorization").replace("/rds-data/", "/rds/"));
    Answer a = execute(headers, EXECUTE_BODY, SDK_TIME);
    assertThat(a).isEqualTo(new Answer(403, "FORBIDDEN the credential scope names the service 'rds'; sign for 'rds-data'"));
  }

  @Test
  void anUnsignedPayloadIsForbidden() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME).status()).isEqualTo(403);
  }

  @Test
  void aSignedHeaderMissingFromTheRequestIsForbidden() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.remove("amz-sdk-request");
    Answer a = execute(headers, EXECUTE_BODY, SDK_TIME);
    assertThat(a).isEqualTo(new Answer(403, "FORBIDDEN the signed header 'amz-sdk-request' is not in the request"));
  }

  // ---- malformed: 401 ----

  @Test
  void anAuthorizationWithoutSignatureIsUnauthorized() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("authorization", headers.get("authorization").replaceAll(", Signature=.*", ""));
    Answer a = execute(headers, EXECUTE_BODY, SDK_TIME);
    assertThat(a).isEqualTo(new Answer(401, "UNAUTHORIZED the Authorization header needs Credential, SignedHeaders and Signature"));
  }

  @Test
  void aMalformedCredentialIsUnauthorized() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("authorization", headers.get("authorization").replace("/aws4_request", "/aws5_request"));
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME).status()).isEqualTo(401);
    headers.put("authorization", "AWS4-HMAC-SHA256 Credential=gw-writer/2024/eu-west-3/rds-data/aws4_request, "
        + "SignedHeaders=host, Signature=" + "0".repeat(64));
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME).status()).isEqualTo(401);
  }

  @Test
  void aSignatureThatIsNotHexIsUnauthorized() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.put("authorization", headers.get("authorization").replaceAll("Signature=.*", "Signature=xyz"));
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME).status()).isEqualTo(401);
  }

  @Test
  void aMissingOrMalformedAmzDateIsUnauthorized() throws IOException {
    Map<String, String> headers = executeHeaders();
    headers.remove("x-amz-date");
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME))
        .isEqualTo(new Answer(401, "UNAUTHORIZED a SigV4 request needs an X-Amz-Date header"));
    headers.put("x-amz-date", "2024-01-31T23:59:30Z");
    assertThat(execute(headers, EXECUTE_BODY, SDK_TIME).status()).isEqualTo(401);
  }

  @Test
  void anotherSchemeIsNotSigV4() {
    assertThat(SigV4Verifier.isSigV4("Bearer abc")).isFalse();
    assertThat(SigV4Verifier.isSigV4(null)).isFalse();
    assertThat(SigV4Verifier.isSigV4("aws4-hmac-sha256 Credential=x")).isTrue();
  }

  // ---- canonical forms ----

  @Test
  void canonicalPathResolvesDotSegmentsAndEscapesTwice() {
    assertThat(SigV4Verifier.canonicalPath("/Execute")).isEqualTo("/Execute");
    assertThat(SigV4Verifier.canonicalPath("")).isEqualTo("/");
    assertThat(SigV4Verifier.canonicalPath("/a//b/./c/../d/")).isEqualTo("/a/b/d/");
    assertThat(SigV4Verifier.canonicalPath("/a%20b")).isEqualTo("/a%2520b");
  }

  @Test
  void canonicalQuerySortsAndEncodesTheAwsWay() {
    assertThat(SigV4Verifier.canonicalQuery("b=2%203&a=z&a=y&c&%C3%A9=%2F+"))
        .isEqualTo("%C3%A9=%2F%2B&a=y&a=z&b=2%203&c=");
    assertThat(SigV4Verifier.canonicalQuery(null)).isEmpty();
  }
}
