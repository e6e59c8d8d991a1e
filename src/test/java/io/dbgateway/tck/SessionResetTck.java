package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Nothing a request does to its session outlives the request, whoever sends it (issue #11). The gateway
 * under test has one connection per pool, so the request after an attack runs on the very connection the
 * attack changed: settings, session locks, temporary tables, prepared statements, cursors, listeners,
 * variables and open transactions must all be gone by then, through every path (a query, an atomic
 * transaction, an interactive transaction), and for a {@code write} key too.
 *
 * <p>Each engine lists the changes its sessions can take, each with a probe whose answer shows the change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SessionResetTck {

  static final String WRITER = "session-writer-0123456789";
  static final String OTHER_WRITER = "session-other-0123456789";
  static final String READER = "session-reader-0123456789";

  /**
   * A change a caller can make to its session.
   *
   * @param statements what the caller sends, one statement each
   * @param probe a query, answered in a column {@code v}, whose answer the change would alter
   */
  protected record Change(String name, List<String> statements, String probe) {
    @Override
    public String toString() {
      return name;
    }
  }

  protected abstract Engine engine();

  /** The session changes this engine allows, with their probes. */
  protected abstract List<Change> sessionChanges();

  /** A temporary table named {@code name}, with the columns of the test table. */
  protected String temporaryTable(String name) {
    return "CREATE TEMP TABLE " + name + " (id INTEGER, name VARCHAR(50))";
  }

  /** The statement that opens a transaction. */
  protected String begin() {
    return "BEGIN";
  }

  /** Extra settings for the gateway under test. */
  protected Map<String, String> settings() {
    return Map.of();
  }

  protected GatewayUnderTest gateway;
  protected String table;

  @BeforeAll
  void startGateway() throws SQLException {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("GATEWAY_API_KEYS", "writer:write:" + WRITER + ",other:write:" + OTHER_WRITER + ",reader:read:" + READER);
    env.put("DB_POOL_SIZE", "1");
    env.putAll(settings());
    gateway = GatewayUnderTest.start(env);
    setUpDatabase();
  }

  /** Objects the engine's changes need (roles, functions), made once over JDBC. */
  protected void setUpDatabase() throws SQLException {}

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @BeforeEach
  void createTable() throws SQLException {
    table = Engine.uniqueTable("sess");
    engine().execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
  }

  // ---- the attacks, through each path ----

  @Test
  void aChangeMadeByAQueryIsGoneForTheNextCaller() {
    for (Change change : sessionChanges()) {
      Map<String, JsonArray> before = probeAll(change);
      for (String statement : change.statements()) {
        assertOk(post("/v1/query", sql(statement), WRITER), change);
      }
      assertUnchanged(change, before);
    }
  }

  @Test
  void aChangeMadeInAnAtomicTransactionIsGoneForTheNextCaller() {
    for (Change change : sessionChanges()) {
      Map<String, JsonArray> before = probeAll(change);
      JsonArray statements = new JsonArray();
      change.statements().forEach(statement -> statements.add(sql(statement)));
      assertOk(post("/v1/transaction", new JsonObject().put("statements", statements), WRITER), change);
      assertUnchanged(change, before);
    }
  }

  @Test
  void aChangeMadeInAnInteractiveTransactionIsGoneOnceItEnds() {
    for (boolean commit : new boolean[] {true, false}) {
      for (Change change : sessionChanges()) {
        Map<String, JsonArray> before = probeAll(change);
        Response begun = post("/v1/transactions", new JsonObject(), WRITER);
        assertOk(begun, change);
        String txId = begun.json().getString("txId");
        for (String statement : change.statements()) {
          assertOk(post("/v1/query", sql(statement).put("txId", txId), WRITER), change);
        }
        assertOk(post("/v1/transactions/" + txId + (commit ? "/commit" : "/rollback"), new JsonObject(), WRITER), change);
        assertUnchanged(change, before);
      }
    }
  }

  @Test
  void aTemporaryTableDoesNotShadowTheRealOneForOtherCallers() throws SQLException {
    assertOk(post("/v1/query", sql(temporaryTable(table)), WRITER), "temporary table");

    Response read = post("/v1/query", sql("SELECT COUNT(*) AS n FROM " + table), READER);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.json().getJsonArray("rows").getJsonObject(0).getValue("n").toString()).isEqualTo("1");

    assertOk(post("/v1/query", sql("INSERT INTO " + table + " (id, name) VALUES (2, 'two')"), OTHER_WRITER), "insert");
    assertThat(engine().count(table, "id = 2")).as("the write went into the real table").isEqualTo(1);
  }

  @Test
  void aTransactionLeftOpenDoesNotSwallowTheNextCallersWrite() throws SQLException {
    // Whatever the database answers to a bare BEGIN sent as a query, the next caller's write must commit.
    post("/v1/query", sql(begin()), WRITER);
    assertOk(post("/v1/query", sql("INSERT INTO " + table + " (id, name) VALUES (3, 'three')"), OTHER_WRITER), "insert");
    assertThat(engine().count(table, "id = 3")).as("the write committed").isEqualTo(1);
  }

  @Test
  void plainWorkStillRunsAfterEveryReset() {
    for (Change change : sessionChanges()) {
      change.statements().forEach(statement -> post("/v1/query", sql(statement), WRITER));
    }
    Response read = post("/v1/query", sql("SELECT name FROM " + table + " WHERE id = 1"), READER);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.json().getJsonArray("rows").getJsonObject(0).getString("name")).isEqualTo("one");
    assertOk(post("/v1/query", sql("UPDATE " + table + " SET name = 'uno' WHERE id = 1"), OTHER_WRITER), "update");
  }

  // ---- helpers ----

  /** What the probe answers each key (a read key may see another session: SQLite's read connections). */
  private Map<String, JsonArray> probeAll(Change change) {
    return Map.of(OTHER_WRITER, probe(change, OTHER_WRITER), READER, probe(change, READER), WRITER, probe(change, WRITER));
  }

  private void assertUnchanged(Change change, Map<String, JsonArray> before) {
    assertThat(probe(change, OTHER_WRITER)).as("%s, seen by another write key", change).isEqualTo(before.get(OTHER_WRITER));
    assertThat(probe(change, READER)).as("%s, seen by a read key", change).isEqualTo(before.get(READER));
    assertThat(probe(change, WRITER)).as("%s, seen by the key that made it, in its next request", change)
        .isEqualTo(before.get(WRITER));
  }

  protected JsonArray probe(Change change, String secret) {
    Response r = post("/v1/query", sql(change.probe()), secret);
    assertThat(r.status()).as("%s probe: %s", change, r.body()).isEqualTo(200);
    return r.json().getJsonArray("rows");
  }

  protected static JsonObject sql(String sql) {
    return new JsonObject().put("sql", sql);
  }

  protected Response post(String path, JsonObject body, String secret) {
    return gateway.post(path, body, Map.of("Authorization", "Bearer " + secret));
  }

  private static void assertOk(Response r, Object what) {
    assertThat(r.status()).as("%s: %s", what, r.body()).isBetween(200, 299);
  }
}
