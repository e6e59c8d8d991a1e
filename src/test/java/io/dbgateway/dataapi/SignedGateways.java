package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import java.util.HashMap;
import java.util.Map;

/**
 * One gateway per engine with a write and a read API key, so that a signed Data API request has a key
 * to be verified against; the SDK and client suites of an engine share it.
 */
final class SignedGateways {

  static final String KEY_ID = "sdk-writer";
  static final String SECRET = "sdk-secret-0123456789";
  static final String READ_KEY_ID = "sdk-reader";
  static final String READ_SECRET = "sdk-reader-secret-0123456789";

  private static final Map<Engine, GatewayUnderTest> GATEWAYS = new HashMap<>();

  private SignedGateways() {}

  /** The engine's gateway, started on first use against {@code databaseEnv}. */
  static GatewayUnderTest of(Engine engine, Map<String, String> databaseEnv) {
    synchronized (GATEWAYS) {
      return GATEWAYS.computeIfAbsent(engine, e -> {
        Map<String, String> env = new HashMap<>(databaseEnv);
        env.put("GATEWAY_API_KEYS", KEY_ID + ":write:" + SECRET + "," + READ_KEY_ID + ":read:" + READ_SECRET);
        GatewayUnderTest started = GatewayUnderTest.start(env);
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        return started;
      });
    }
  }
}
