package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.Role;
import io.dbgateway.config.InvalidConfigException;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Named queries ({@code POST /v1/queries/{name}}, {@code dbgateway.named}): the operator's SQL from
 * {@code conf/queries/*.json}, called by name with parameters; read-only ones run in transactions the
 * database keeps read-only; bad files stop start-up. The same suite runs on every engine.
 */
public abstract class NamedQueryTck {

  private static final String TABLE = "named_items";

  private static final JsonArray QUERIES = new JsonArray()
      .add(query("items.at_least", "SELECT id, name, qty FROM " + TABLE + " WHERE qty >= :min ORDER BY id", true))
      .add(query("items.by_id", "SELECT name FROM " + TABLE + " WHERE id = ?", true))
      .add(query("items.add", "INSERT INTO " + TABLE + " (id, name, qty) VALUES (:id, :name, :qty)", false))
      .add(query("items.sneaky_delete", "DELETE FROM " + TABLE, true)
          .put("description", "declared read-only, yet it writes: the database must refuse it"));

  protected abstract Engine engine();

  /** A gateway whose named queries are this suite's, started once per engine. */
  private static final Map<Engine, GatewayUnderTest> gateways = new HashMap<>();

  private final GatewayUnderTest gateway = gateway(engine());

  private static JsonObject query(String name, String sql, boolean readOnly) {
    return new JsonObject().put("name", name).put("sql", sql).put("readOnly", readOnly);
  }

  private static synchronized GatewayUnderTest gateway(Engine engine) {
    return gateways.computeIfAbsent(engine, e -> {
      try {
        Path dir = Files.createTempDirectory("dbgw-named-");
        Files.writeString(dir.resolve("items.json"), QUERIES.encodePrettily());
        Files.writeString(dir.resolve("count.json"),
            query("items.count", "SELECT COUNT(*) AS n FROM " + TABLE, true).encode());
        return GatewayUnderTest.start(withEnv(e, "GATEWAY_QUERIES", dir.toString()));
      } catch (IOException ex) {
        throw new IllegalStateException(ex);
      }
    });
  }

  private static Map<String, String> withEnv(Engine engine, String name, String value) {
    Map<String, String> env = new HashMap<>(engine.env());
    env.put(name, value);
    return env;
  }

  @AfterAll
  static void closeGateways() {
    gateways.values().forEach(GatewayUnderTest::close);
    gateways.clear();
  }

  @BeforeEach
  void resetTable() throws SQLException {
    engine().execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, name VARCHAR(50), qty INTEGER)",
        "DELETE FROM " + TABLE,
        "INSERT INTO " + TABLE + " (id, name, qty) VALUES (1, 'apple', 3), (2, 'pear', 5), (3, 'plum', 7)");
  }

  /** Calls with strong consistency, so on Galera a read sees the rows the test just wrote. */
  private Response call(String name, JsonObject body) {
    return gateway.post("/v1/queries/" + name, body.copy().put("consistency", "strong"));
  }

  private static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().getString("code")).isEqualTo(code);
  }

  @Test
  void aNamedQueryRunsWithNamedOrPositionalParamsAndTheQueryOptions() {
    Response named = call("items.at_least", new JsonObject().put("params", new JsonObject().put("min", 5)));
    assertThat(named.status()).as(named.body()).isEqualTo(200);
    assertThat(named.json().getJsonArray("rows")).containsExactly(
        new JsonObject().put("id", 2).put("name", "pear").put("qty", 5),
        new JsonObject().put("id", 3).put("name", "plum").put("qty", 7));

    Response positional = call("items.by_id", new JsonObject().put("params", new JsonArray().add(3))
        .put("format", "arrays"));
    assertThat(positional.json().getJsonArray("rows")).containsExactly(new JsonArray().add("plum"));

    Response limited = call("items.at_least", new JsonObject().put("params", new JsonObject().put("min", 0))
        .put("maxRows", 1));
    assertThat(limited.json().getJsonArray("rows")).hasSize(1);
    assertThat(limited.json().getBoolean("truncated")).isTrue();

    // No body at all is an empty one. (Not strong: on Galera the count may lag the rows just written.)
    Response noBody = gateway.post("/v1/queries/items.count", "");
    assertThat(noBody.status()).as(noBody.body()).isEqualTo(200);
    assertThat(noBody.json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isNotNull();
  }

  @Test
  void aWritingNamedQueryWritesAndMissingParamsAre400() throws SQLException {
    Response added = call("items.add", new JsonObject()
        .put("params", new JsonObject().put("id", 4).put("name", "fig").put("qty", 1)));
    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(added.json().getLong("updated")).isEqualTo(1);
    assertThat(engine().count(TABLE, "name = 'fig'")).isEqualTo(1);

    assertProblem(call("items.add", new JsonObject().put("params", new JsonObject().put("id", 5))), 400, "BAD_REQUEST");
  }

  @Test
  void aReadOnlyNamedQueryCannotWriteTheDatabaseRefusesIt() throws SQLException {
    Response r = call("items.sneaky_delete", new JsonObject());
    assertProblem(r, 400, "SQL_ERROR");
    assertThat(r.json().getString("sqlState")).isEqualTo("25006");
    assertThat(engine().count(TABLE, "1 = 1")).isEqualTo(3);
  }

  @Test
  void anUnknownNameIs404AndSqlCannotBeSent() {
    assertProblem(call("no.such.query", new JsonObject()), 404, "NOT_FOUND");
    assertThatThrownBy(() -> gateway.request(Addresses.NAMED, new JsonObject().put("name", "no.such.query")))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
    assertProblem(call("items.count", new JsonObject().put("sql", "DELETE FROM " + TABLE)), 400, "BAD_REQUEST");
    assertProblem(call("items.sneaky_delete", new JsonObject().put("readOnly", false)), 400, "BAD_REQUEST");
  }

  @Test
  void theBusTakesTheNameInTheBody() {
    JsonObject result = gateway.request(Addresses.NAMED, new JsonObject().put("name", "items.by_id")
        .put("params", new JsonArray().add(1)).put("consistency", "strong"));
    assertThat(result.getJsonArray("rows")).containsExactly(new JsonObject().put("name", "apple"));
  }

  @Test
  void aNamedQueryRunsInsideAnInteractiveTransaction() throws SQLException {
    String tx = gateway.post("/v1/transactions", "").json().getString("txId");
    Response added = call("items.add", new JsonObject().put("txId", tx)
        .put("params", new JsonObject().put("id", 9).put("name", "kiwi").put("qty", 2)));
    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(engine().count(TABLE, "id = 9")).isZero();
    assertThat(gateway.post("/v1/transactions/" + tx + "/rollback", "").status()).isEqualTo(200);
    assertThat(engine().count(TABLE, "id = 9")).isZero();
  }

  @Test
  void namedKeysRunNamedQueriesAndReadKeysOnlyReadOnlyOnes() throws SQLException {
    Caller named = new Caller("named-key", Role.NAMED);
    Caller read = new Caller("read-key", Role.READ);
    JsonObject add = new JsonObject().put("name", "items.add")
        .put("params", new JsonObject().put("id", 7).put("name", "lime").put("qty", 1));
    assertThat(gateway.request(Addresses.NAMED, add, named).getLong("updated")).isEqualTo(1);
    assertThat(gateway.request(Addresses.NAMED, new JsonObject().put("name", "items.count").put("consistency", "strong"), read)
        .getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(4);
    JsonObject another = add.copy().put("params", new JsonObject().put("id", 8).put("name", "yuzu").put("qty", 1));
    assertThatThrownBy(() -> gateway.request(Addresses.NAMED, another, read))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(403);
          assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo("FORBIDDEN");
        });
    assertThat(engine().count(TABLE, "1 = 1")).isEqualTo(4);
  }

  @Test
  void theShippedExamplesRunOnTheDefaultConfiguration() throws SQLException {
    GatewayUnderTest standard = engine().gateway();
    String email = Engine.uniqueTable("named") + "@example.org";
    engine().execute("INSERT INTO auth_user (email) VALUES ('" + email + "')");
    Response deactivated = standard.post("/v1/queries/users.set_active", new JsonObject()
        .put("params", new JsonObject().put("email", email).put("active", false)));
    assertThat(deactivated.status()).as(deactivated.body()).isEqualTo(200);
    assertThat(deactivated.json().getLong("updated")).isEqualTo(1);
    Response found = standard.post("/v1/queries/users.by_email",
        new JsonObject().put("params", new JsonObject().put("email", email)).put("consistency", "strong"));
    assertThat(found.status()).as(found.body()).isEqualTo(200);
    assertThat(found.json().getJsonArray("rows").getJsonObject(0).getBoolean("active")).isFalse();
  }

  @Test
  void aBadFileStopsStartUpNamingTheFileAndTheProblem() throws IOException {
    Path dir = Files.createTempDirectory("dbgw-named-bad-");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, new JsonObject().put("name", "oops").put("sql", "SELECT 1").put("readOnly", true)
        .put("sqll", "typo").encode());
    assertThatThrownBy(() -> GatewayUnderTest.start(withEnv(engine(), "GATEWAY_QUERIES", dir.toString())))
        .hasRootCauseInstanceOf(InvalidConfigException.class)
        .rootCause().hasMessageContaining(bad.toString()).hasMessageContaining("unknown field 'sqll'");
  }
}
