package io.dbgateway.bridge;

import static io.dbgateway.testing.BridgeClient.sendFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.BridgeClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With HTTPS configured, the bridge speaks TLS with the same certificate: frames carry API keys. */
class BridgeTlsTest {

  @Test
  void theBridgeUsesTheHttpsCertificate(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    selfSigned(cert, key);
    int port = GatewayUnderTest.freePort();
    Map<String, String> env = new HashMap<>(Engine.SQLITE.env());
    env.putAll(Map.of("GATEWAY_EVENTBUS_BRIDGE_PORT", Integer.toString(port),
        "GATEWAY_TLS_CERT", cert.toString(), "GATEWAY_TLS_KEY", key.toString(),
        "GATEWAY_API_KEYS", "tls:write:tls-secret-0123456789"));
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      try (BridgeClient client = BridgeClient.connectTls(port, cert)) {
        JsonObject request = sendFrame(Addresses.QUERY, new JsonObject().put("authorization", "Bearer tls-secret-0123456789"),
            new JsonObject().put("sql", "SELECT 1 AS one"));
        JsonObject reply = client.exchange(request);
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
        assertThat(reply.getJsonObject("body").getJsonArray("rows")).containsExactly(new JsonObject().put("one", 1));
      }
      try (BridgeClient plain = BridgeClient.connect(port)) {
        plain.write(sendFrame(Addresses.QUERY, new JsonObject(), new JsonObject().put("sql", "SELECT 1")));
        assertThatThrownBy(plain::read).as("a plain-text client gets no answer").isInstanceOf(RuntimeException.class);
      }
    } finally {
      gateway.close();
    }
  }

  private static void selfSigned(Path cert, Path key) throws IOException, InterruptedException {
    Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost"))
        .redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes());
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).as(output).isZero();
    assertThat(Files.size(key)).isPositive();
  }
}
