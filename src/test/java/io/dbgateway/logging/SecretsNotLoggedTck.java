package io.dbgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.Role;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.JsonLogCapture;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets and parameter values never reach the logs. A gateway of its own, with an API key whose secret
 * is a unique marker, serves requests whose parameters (and bodies, and wrong bearer tokens) carry other
 * markers: successful ones and failing ones of every kind (SQL error, constraint violation, type
 * mismatch, statement timeout, malformed and unknown-field bodies, a wrong key, an unexpected failure on
 * the event bus). Everything logged in the JVM meanwhile, with the gateway's own loggers at DEBUG, is
 * captured as the shipped JSON layout writes it: no marker appears, and every request's id does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class SecretsNotLoggedTck {

  protected abstract Engine engine();

  /** A statement with one {@code ?} parameter that runs far longer than a second. */
  protected abstract String slowStatementWithParameter();

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String secret = "secret-marker-" + run + "-0123456789";
  private final String dbPass = "dbpass-marker-" + run;
  private final List<String> markers = new ArrayList<>(List.of(secret, dbPass));
  private GatewayUnderTest gateway;
  private String table;

  @BeforeAll
  void startGatewayWithAMarkedKey() {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("GATEWAY_API_KEYS", "ops:write:" + secret);
    // Where the engine takes no password (SQLite), one is set anyway: it must not be logged either.
    env.putIfAbsent("DB_PASS", dbPass);
    gateway = GatewayUnderTest.start(env);
    table = Engine.uniqueTable("secrets");
    Response created = post("setup", "/v1/query", new JsonObject().put("sql",
        "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, tag VARCHAR(100) UNIQUE)"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
  }

  @AfterAll
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private String marker(String kind) {
    String marker = kind + "-marker-" + run;
    markers.add(marker);
    return marker;
  }

  private Response post(String id, String path, JsonObject body) {
    return post(id, path, body.encode(), secret);
  }

  private Response post(String id, String path, String body, String bearer) {
    return gateway.send("POST", path, body.getBytes(StandardCharsets.UTF_8), Map.of("X-Request-Id", id,
        "Authorization", "Bearer " + bearer, "Content-Type", "application/json"));
  }

  private static JsonObject sql(String sql, Object... params) {
    return new JsonObject().put("sql", sql).put("params", new JsonArray(List.of(params)));
  }

  @Test
  void noSecretOrParameterValueIsLoggedWhileEveryRequestIdIs() throws Exception {
    List<String> expected = new ArrayList<>();
    // Everything the JVM logs, with the gateway's own loggers turned up to DEBUG.
    try (JsonLogCapture all = JsonLogCapture.all(); JsonLogCapture debug = JsonLogCapture.of("io.dbgateway",
        ch.qos.logback.classic.Level.DEBUG)) {
      String insert = "INSERT INTO " + table + " (id, tag) VALUES (?, ?)";
      expect(expected, "ok", post(id("ok"), "/v1/query", sql("SELECT ? AS v", marker("select"))), 200);
      expect(expected, "insert", post(id("insert"), "/v1/query", sql(insert, 1, marker("unique"))), 200);
      String taken = markers.get(markers.size() - 1);
      expect(expected, "conflict", post(id("conflict"), "/v1/query", sql(insert, 2, taken)), 409);
      expect(expected, "sql-error", post(id("sql-error"), "/v1/query",
          sql("SELECT * FROM no_such_table_" + run + " WHERE c = ?", marker("sqlerror"))), 400);
      expect(expected, "type", post(id("type"), "/v1/query", sql(insert, marker("notanumber"), "t")), 200, 400, 409);
      expect(expected, "timeout", post(id("timeout"), "/v1/query",
          sql(slowStatementWithParameter(), marker("slow")).put("timeoutMs", 300)), 504);
      expect(expected, "unknown-field", post(id("unknown-field"), "/v1/query",
          new JsonObject().put("sql", "SELECT 1 AS one").put("bogus", marker("field"))), 400);
      expect(expected, "malformed", post(id("malformed"), "/v1/query",
          "{\"sql\": \"SELECT '" + marker("malformed") + "'", secret), 400);
      expect(expected, "wrong-params", post(id("wrong-params"), "/v1/query",
          new JsonObject().put("sql", "SELECT ? AS v").put("params", marker("params"))), 400);
      expect(expected, "transaction", post(id("transaction"), "/v1/transaction", new JsonObject().put("statements",
          new JsonArray().add(sql(insert, 3, marker("txok"))).add(sql(insert, 4, taken)))), 409);
      expect(expected, "batch", post(id("batch"), "/v1/batch", new JsonObject().put("sql", insert).put("params",
          new JsonArray().add(new JsonArray().add(5).add(marker("batch"))).add(new JsonArray().add(6).add(taken)))), 409);
      // A wrong key: refused, and its token not logged either.
      expect(expected, "wrong-key", post(id("wrong-key"), "/v1/query", sql("SELECT 1 AS one").encode(),
          marker("wrongsecret")), 401);

      String busId = id("bus");
      DeliveryOptions bus = new Caller("ops", Role.WRITE).addTo(new DeliveryOptions()).addHeader(RequestId.BUS_HEADER, busId);
      gateway.vertx().eventBus().request(Addresses.QUERY, sql("SELECT ? AS v", marker("bus")), bus)
          .await(30, TimeUnit.SECONDS);
      String internalId = id("bus-internal");
      DeliveryOptions internal = new DeliveryOptions().addHeader(RequestId.BUS_HEADER, internalId);
      gateway.vertx().eventBus().request(Addresses.QUERY, "not JSON " + marker("internal"), internal)
          .otherwiseEmpty().await(30, TimeUnit.SECONDS);

      for (String id : expected) {
        all.await(line -> id.equals(line.getString("requestId")) && "dbgateway.access".equals(line.getString("logger")),
            5000);
      }
      all.await(line -> internalId.equals(line.getString("requestId")) && "ERROR".equals(line.getString("level")), 5000);
      assertThat(all.events(line -> id("ok").equals(line.getString("requestId"))))
          .as("the key's id, never its secret").allMatch(line -> "ops".equals(line.getString("keyId")));
      assertThat(all.events(line -> id("wrong-key").equals(line.getString("requestId"))))
          .as("a refused key has no id").allMatch(line -> line.getString("keyId") == null);

      List<String> lines = all.lines();
      assertThat(lines).as("log lines").isNotEmpty();
      all.events(); // every line is one JSON object
      for (String marker : markers) {
        assertThat(lines).as("log lines holding %s", marker).noneMatch(line -> line.contains(marker));
      }
      assertThat(String.join("\n", lines)).doesNotContain("Bearer").doesNotContain(run + "-0123456789");
    }
  }

  private String id(String kind) {
    return "secrets-" + kind + "-" + run;
  }

  private void expect(List<String> expected, String kind, Response r, Integer... statuses) {
    assertThat(r.status()).as("%s: %s", kind, r.body()).isIn((Object[]) statuses);
    assertThat(r.header("x-request-id")).isEqualTo(id(kind));
    expected.add(id(kind));
  }
}
