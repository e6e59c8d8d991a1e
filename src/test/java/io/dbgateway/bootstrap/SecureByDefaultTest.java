package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.InvalidConfigException;
import io.dbgateway.tck.GatewayUnderTest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without API keys the gateway serves anonymous requests only on loopback; elsewhere it refuses to
 * start unless {@code GATEWAY_AUTH=none} says so explicitly.
 */
class SecureByDefaultTest {

  private static final String QUERY = "{\"sql\": \"SELECT 1 AS one\"}";

  @Test
  void onLoopbackWithoutKeysRequestsAreAnonymous(@TempDir Path dir) throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(sqlite(dir, Map.of("GATEWAY_HTTP_HOST", "127.0.0.1")));
    try {
      HttpResponse<String> r = post("127.0.0.1", gateway.port(), null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"one\":1");
    } finally {
      gateway.close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void onANonLoopbackAddressWithoutKeysTheGatewayRefusesToStartWithStatus2AndTouchesNoDatabase(@TempDir Path dir)
      throws Exception {
    for (String host : List.of(nonLoopbackAddress(), "0.0.0.0")) {
      Path db = dir.resolve("never-" + host.replace('.', '-') + ".db");
      try (ChildGateway child = ChildGateway.start(Map.of(
          "DB_TYPE", "sqlite", "DB_NAME", db.toString(),
          "GATEWAY_HTTP_HOST", host, "GATEWAY_HTTP_PORT", Integer.toString(FreePorts.take())))) {
        int status = child.waitForExit(60);
        String output = String.join("\n", child.lines());
        assertThat(status).as(output).isEqualTo(InvalidConfigException.EXIT_STATUS).isEqualTo(2);
        assertThat(output)
            .contains("GATEWAY_HTTP_HOST " + host + " is not a loopback address and no API keys are configured")
            .contains("GATEWAY_API_KEYS")
            .contains("GATEWAY_AUTH=none")
            .doesNotContain("DB Gateway ready").doesNotContain("Migrat");
        assertThat(Files.exists(db)).as("no database was opened").isFalse();
      }
    }
  }

  @Test
  void onANonLoopbackAddressGatewayAuthNoneServesAnonymousRequests(@TempDir Path dir) throws Exception {
    String host = nonLoopbackAddress();
    GatewayUnderTest gateway = GatewayUnderTest.start(sqlite(dir, Map.of("GATEWAY_HTTP_HOST", host, "GATEWAY_AUTH", "none")));
    try {
      HttpResponse<String> r = post(host, gateway.port(), null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"one\":1");
    } finally {
      gateway.close();
    }
  }

  @Test
  void onANonLoopbackAddressWithKeysEveryRequestNeedsOne(@TempDir Path dir) throws Exception {
    String host = nonLoopbackAddress();
    String secret = "network-secret-0123456789";
    GatewayUnderTest gateway = GatewayUnderTest.start(sqlite(dir, Map.of("GATEWAY_HTTP_HOST", host,
        "GATEWAY_API_KEYS", "app:write:" + secret)));
    try {
      assertThat(post(host, gateway.port(), null).statusCode()).isEqualTo(401);
      HttpResponse<String> r = post(host, gateway.port(), secret);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    } finally {
      gateway.close();
    }
  }

  private static Map<String, String> sqlite(Path dir, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("DB_TYPE", "sqlite", "DB_NAME", dir.resolve("gw.db").toString()));
    env.putAll(more);
    return env;
  }

  private static HttpResponse<String> post(String host, int port, String secret) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/v1/query"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(QUERY));
    if (secret != null) {
      request.header("Authorization", "Bearer " + secret);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** This machine's first non-loopback IPv4 address: a real network interface, not a wildcard. */
  static String nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : nic.inetAddresses().toList()) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
            return address.getHostAddress();
          }
        }
      }
    }
    throw new AssertionError("this machine has no non-loopback IPv4 address to bind to");
  }

}
