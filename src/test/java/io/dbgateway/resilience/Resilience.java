package io.dbgateway.resilience;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.ThrowawayServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/** What the resilience tests share: pointing a gateway at a throwaway server and reading readiness. */
final class Resilience {

  private Resilience() {}

  /** The variables that point a gateway at {@code server}, plus {@code settings}. */
  static Map<String, String> env(String type, ThrowawayServer server, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of("DB_TYPE", type, "DB_HOST", server.host(),
        "DB_PORT", Integer.toString(server.port()), "DB_NAME", server.database(), "DB_USER", server.user(),
        "DB_PASS", server.password(), "DB_MAX_RETRIES", "3", "DB_RETRY_DELAY", "0.2"));
    env.putAll(settings);
    return env;
  }

  /** The node name the gateway gives {@code server}: its breaker's name in the logs and in readiness. */
  static String node(ThrowawayServer server) {
    return server.host() + ":" + server.port();
  }

  /** The check called {@code id} in a {@code /health/ready} answer, or null. */
  static JsonObject check(Response ready, String id) {
    JsonArray checks = ready.json().getJsonArray("checks", new JsonArray());
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    return null;
  }

  /** The state of {@code node}'s breaker as {@code /health/ready} reports it: the check's data maps node to state. */
  static String breakerState(Response ready, String node) {
    JsonObject breaker = check(ready, "breaker");
    return breaker == null || breaker.getJsonObject("data") == null ? null
        : breaker.getJsonObject("data").getString(node);
  }

  /** Whether a 503 came from the open breaker itself (rather than from a failed database call). */
  static boolean fromOpenBreaker(Response r) {
    return r.status() == 503 && r.body().contains("circuit breaker") && r.body().contains("is open");
  }

  static JsonObject sql(String sql, Object... params) {
    JsonObject body = new JsonObject().put("sql", sql);
    if (params.length > 0) {
      body.put("params", new JsonArray(java.util.List.of(params)));
    }
    return body;
  }
}
