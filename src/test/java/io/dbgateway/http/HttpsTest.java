package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With GATEWAY_TLS_CERT and GATEWAY_TLS_KEY the gateway speaks HTTPS, and only HTTPS. */
class HttpsTest {

  private static final String SECRET = "tls-secret-0123456789";

  @TempDir
  static Path dir;
  static TestCertificates authority;
  static GatewayUnderTest gateway;

  @BeforeAll
  static void start() {
    authority = TestCertificates.newAuthority(dir, "https-ca");
    TestCertificates.Server server = authority.server("gateway");
    gateway = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("tls.db"), Map.of(
        "GATEWAY_TLS_CERT", server.cert().toString(), "GATEWAY_TLS_KEY", server.key().toString(),
        "GATEWAY_API_KEYS", "app:write:" + SECRET)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> send(HttpClient client, String scheme, String path, String secret)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + gateway.port() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 1 AS one\"}"));
    if (secret != null) {
      request.header("Authorization", "Bearer " + secret);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpsWorksForAClientThatTrustsTheCertificate() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(authority.clientContext()).build();
    HttpResponse<String> r = send(client, "https", "/v1/query", SECRET);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"one\":1");
    assertThat(send(client, "https", "/v1/query", null).statusCode()).as("keys still apply").isEqualTo(401);
    HttpResponse<String> health = client.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + gateway.port() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(() -> send(plain, "http", "/v1/query", SECRET)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> send(plain, "http", "/health/live", null)).isInstanceOf(IOException.class);
  }

  @Test
  void filesThatAreNotAPemCertificateAndKeyAreAConfigurationError() throws Exception {
    Path notCert = java.nio.file.Files.writeString(dir.resolve("not-a-cert.pem"), "hello");
    Path notKey = java.nio.file.Files.writeString(dir.resolve("not-a-key.pem"), "the-key-text-never-echoed");
    assertThatThrownBy(() -> io.dbgateway.config.ConfigLoader.load(HttpAuthTest.sqlite(dir.resolve("x.db"),
        Map.of("GATEWAY_TLS_CERT", notCert.toString(), "GATEWAY_TLS_KEY", notKey.toString()))))
        .isInstanceOf(io.dbgateway.config.InvalidConfigException.class)
        .hasMessageContaining("GATEWAY_TLS_CERT " + notCert + " is not a PEM certificate chain")
        .hasMessageContaining("GATEWAY_TLS_KEY " + notKey + " is not an unencrypted PEM private key")
        .hasMessageNotContaining("the-key-text-never-echoed");
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateRefusesIt() {
    HttpClient defaults = HttpClient.newHttpClient();
    assertThatThrownBy(() -> send(defaults, "https", "/v1/query", SECRET)).isInstanceOf(SSLHandshakeException.class);
  }
}
