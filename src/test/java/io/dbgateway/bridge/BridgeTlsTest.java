package io.dbgateway.bridge;

import io.dbgateway.testing.FreePorts;
import static io.dbgateway.testing.BridgeClient.sendFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.BridgeClient;
import io.dbgateway.testing.TestCertificates;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With HTTPS configured, the bridge speaks TLS with the same certificate: frames carry API keys. */
class BridgeTlsTest {

  @Test
  void theBridgeUsesTheHttpsCertificate(@TempDir Path dir) throws Exception {
    TestCertificates authority = TestCertificates.newAuthority(dir, "bridge-ca");
    TestCertificates.Server server = authority.server("gateway");
    int port = FreePorts.take();
    Map<String, String> env = new HashMap<>(Engine.SQLITE.env());
    env.putAll(Map.of("GATEWAY_EVENTBUS_BRIDGE_PORT", Integer.toString(port),
        "GATEWAY_TLS_CERT", server.cert().toString(), "GATEWAY_TLS_KEY", server.key().toString(),
        "GATEWAY_API_KEYS", "tls:write:tls-secret-0123456789"));
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      try (BridgeClient client = BridgeClient.connectTls(port, authority.clientContext())) {
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
}
