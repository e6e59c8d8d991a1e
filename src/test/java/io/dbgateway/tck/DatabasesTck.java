package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.Scrape;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GATEWAY_DATABASES}: a request's {@code database} (the Data API's too) runs its work on that
 * database, whose rows land there and not in {@code DB_NAME}; a name not listed is a 400 naming the
 * setting; interactive transactions stay on their database; migrations touch {@code DB_NAME} only; a
 * listed database's pools open on its first request; and a listed database that does not exist is
 * that request's problem, never a failure of {@code DB_NAME}'s node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabasesTck {

  static final String SECRET = "databases-write-secret-0123";
  static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + SECRET);
  /** Few failures open a breaker here, so a test can show the missing database's do not open DB_NAME's. */
  static final int BREAKER_MAX_FAILURES = 2;

  protected abstract Engine engine();

  /** A name the engine's server (or file system) has no database for, in a form GATEWAY_DATABASES takes. */
  protected String missingDatabase() throws Exception {
    return Engine.uniqueTable("dbs_missing");
  }

  /**
   * A query counting the connections the server holds open to the database its one {@code ?} names; null
   * where the engine has no server to ask (SQLite).
   */
  protected abstract String connectionsQuery();

  /** The connections the server holds open to {@code database}, asked over {@code admin}; null without a server. */
  private Integer connectionsTo(Connection admin, String database) throws SQLException {
    if (connectionsQuery() == null) {
      return null;
    }
    try (java.sql.PreparedStatement s = admin.prepareStatement(connectionsQuery())) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  protected NewDatabase main;
  protected NewDatabase other;
  protected NewDatabase lazy;
  protected String missing;
  protected GatewayUnderTest gateway;

  @BeforeAll
  void start() throws Exception {
    main = engine().newDatabase("dbs_main");
    other = newListedDatabase("dbs_other");
    lazy = newListedDatabase("dbs_lazy");
    missing = missingDatabase();
    Map<String, String> env = new HashMap<>(main.env());
    env.put("GATEWAY_DATABASES", String.join(",", name(other), name(lazy), missing));
    env.put("GATEWAY_API_KEYS", "dbs:write:" + SECRET);
    env.put("GATEWAY_BREAKER_MAX_FAILURES", Integer.toString(BREAKER_MAX_FAILURES));
    gateway = GatewayUnderTest.start(env);
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** A new database, made to exist (an SQLite file is made by its first connection). */
  private NewDatabase newListedDatabase(String prefix) throws Exception {
    NewDatabase db = engine().newDatabase(prefix);
    db.execute("CREATE TABLE dbs_made (id INT)");
    return db;
  }

  protected static String name(NewDatabase db) {
    return db.env().get("DB_NAME");
  }

  /** The same new table in {@code DB_NAME} and in the other database, so a row can only land in one of them. */
  private String tableInBoth() throws SQLException {
    String table = Engine.uniqueTable("dbs");
    String ddl = "CREATE TABLE " + table + " (id INT PRIMARY KEY, note VARCHAR(40))";
    main.execute(ddl);
    other.execute(ddl);
    return table;
  }

  static int count(NewDatabase db, String table) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  protected Response post(String path, JsonObject body) {
    return gateway.post(path, body, BEARER);
  }

  protected Response ok(String path, JsonObject body) {
    Response r = post(path, body);
    assertThat(r.status()).as(path + " " + body.encode() + ": " + r.body()).isEqualTo(200);
    return r;
  }

  private static void assertNamesTheSetting(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(r.json().getString("detail")).contains("GATEWAY_DATABASES");
  }

  @Test
  void aListedDatabaseIsReadAndWrittenThroughV1AndItsRowsLandThereNotInDbName() throws SQLException {
    String table = tableInBoth();
    String database = name(other);
    ok("/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (id, note) VALUES (1, 'query')")
        .put("database", database));
    ok("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id, note) VALUES (?, 'batch')")
        .put("params", new JsonArray().add(new JsonArray().add(2)).add(new JsonArray().add(3))).put("database", database));
    ok("/v1/transaction", new JsonObject().put("database", database).put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (id, note) VALUES (4, 'transaction')"))));
    JsonObject viaBus = gateway.request(Addresses.QUERY, new JsonObject()
        .put("sql", "INSERT INTO " + table + " (id, note) VALUES (5, 'bus')").put("database", database));
    assertThat(viaBus.getLong("updated")).isEqualTo(1);

    assertThat(count(other, table)).isEqualTo(5);
    assertThat(count(main, table)).isZero();
    Response read = ok("/v1/query", new JsonObject().put("sql", "SELECT id FROM " + table + " ORDER BY id")
        .put("database", database).put("format", "arrays"));
    assertThat(read.json().getJsonArray("rows")).hasSize(5);
    Response readMain = ok("/v1/query", new JsonObject().put("sql", "SELECT id FROM " + table));
    assertThat(readMain.json().getJsonArray("rows")).isEmpty();
    Response namedMain = ok("/v1/query", new JsonObject().put("sql", "SELECT id FROM " + table)
        .put("database", name(main)));
    assertThat(namedMain.json().getJsonArray("rows")).isEmpty();
    Map<String, String> ndjson = new HashMap<>(BEARER);
    ndjson.put("Accept", "application/x-ndjson");
    Response streamed = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT id FROM " + table)
        .put("database", database), ndjson);
    assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
    assertThat(streamed.body().lines().filter(line -> line.startsWith("{\"id\"")).count()).as(streamed.body()).isEqualTo(5);
  }

  @Test
  void aListedDatabaseIsReadAndWrittenThroughTheDataApi() throws SQLException {
    String table = tableInBoth();
    String database = name(other);
    ok("/Execute", new JsonObject().put("resourceArn", "arn:x").put("secretArn", "arn:y").put("database", database)
        .put("sql", "INSERT INTO " + table + " (id, note) VALUES (:id, :note)")
        .put("parameters", new JsonArray()
            .add(new JsonObject().put("name", "id").put("value", new JsonObject().put("longValue", 1)))
            .add(new JsonObject().put("name", "note").put("value", new JsonObject().put("stringValue", "execute")))));
    ok("/BatchExecute", new JsonObject().put("database", database)
        .put("sql", "INSERT INTO " + table + " (id, note) VALUES (:id, 'batch')")
        .put("parameterSets", new JsonArray()
            .add(new JsonArray().add(new JsonObject().put("name", "id").put("value", new JsonObject().put("longValue", 2))))
            .add(new JsonArray().add(new JsonObject().put("name", "id").put("value", new JsonObject().put("longValue", 3))))));
    String tx = ok("/BeginTransaction", new JsonObject().put("database", database)).json().getString("transactionId");
    ok("/Execute", new JsonObject().put("database", database).put("transactionId", tx)
        .put("sql", "INSERT INTO " + table + " (id, note) VALUES (4, 'in a transaction')"));
    ok("/CommitTransaction", new JsonObject().put("transactionId", tx));

    assertThat(count(other, table)).isEqualTo(4);
    assertThat(count(main, table)).isZero();
    Response read = ok("/Execute", new JsonObject().put("database", database).put("sql", "SELECT COUNT(*) AS n FROM " + table));
    assertThat(read.json().getJsonArray("records").getJsonArray(0).getJsonObject(0).getLong("longValue")).isEqualTo(4);

    Response unlisted = post("/Execute", new JsonObject().put("database", "not_listed").put("sql", "SELECT 1"));
    assertNamesTheSetting(unlisted);
    assertThat(unlisted.header("X-Amzn-Errortype")).isEqualTo("BadRequestException");
  }

  @Test
  void aNameNotListedIsABadRequestNamingTheSettingOnEveryOperation() {
    JsonObject unlisted = new JsonObject().put("database", "not_listed");
    assertNamesTheSetting(post("/v1/query", unlisted.copy().put("sql", "SELECT 1")));
    assertNamesTheSetting(post("/v1/batch", unlisted.copy().put("sql", "SELECT ?")
        .put("params", new JsonArray().add(new JsonArray().add(1)))));
    assertNamesTheSetting(post("/v1/transaction", unlisted.copy().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "SELECT 1")))));
    assertNamesTheSetting(post("/v1/transactions", unlisted.copy()));
    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, unlisted.copy().put("sql", "SELECT 1")))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("GATEWAY_DATABASES");
        });
  }

  @Test
  void anInteractiveTransactionOnAListedDatabaseCommitsThereAndStaysThere() throws SQLException {
    String table = tableInBoth();
    String database = name(other);
    String tx = ok("/v1/transactions", new JsonObject().put("database", database)).json().getString("txId");
    ok("/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (id, note) VALUES (1, 'tx')").put("txId", tx));
    ok("/v1/query", new JsonObject().put("sql", "INSERT INTO " + table + " (id, note) VALUES (2, 'tx')").put("txId", tx)
        .put("database", database));
    Response elsewhere = post("/v1/query", new JsonObject().put("sql", "SELECT 1").put("txId", tx)
        .put("database", name(main)));
    assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(400);
    assertThat(elsewhere.json().getString("detail")).contains("runs on database '" + database + "'");
    assertThat(count(other, table)).as("not committed yet").isZero();

    ok("/v1/transactions/" + tx + "/commit", new JsonObject());
    assertThat(count(other, table)).isEqualTo(2);
    assertThat(count(main, table)).isZero();
  }

  @Test
  void migrationsRanOnDbNameOnly() {
    ok("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_user"));
    Response other = post("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_user")
        .put("database", name(this.other)));
    assertThat(other.status()).as(other.body()).isEqualTo(400);
    assertThat(other.json().getString("code")).isEqualTo("SQL_ERROR");
  }

  @Test
  void anIdempotencyKeyWithAnotherDatabaseIsRefusedAndNamedQueriesStayOnDbName() {
    Response keyed = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("database", name(other)),
        Map.of("Authorization", "Bearer " + SECRET, "Idempotency-Key", "dbs-key-1"));
    assertThat(keyed.status()).as(keyed.body()).isEqualTo(400);
    assertThat(keyed.json().getString("detail")).contains("Idempotency-Key").contains("DB_NAME");
    Response keyedMain = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("database", name(main)),
        Map.of("Authorization", "Bearer " + SECRET, "Idempotency-Key", "dbs-key-2"));
    assertThat(keyedMain.status()).as(keyedMain.body()).isEqualTo(200);
    Response named = post("/v1/queries/anything", new JsonObject().put("database", name(other)));
    assertThat(named.status()).as(named.body()).isEqualTo(400);
    assertThat(named.json().getString("detail")).contains("named query").contains("DB_NAME");
  }

  @Test
  void aListedDatabasesPoolsOpenOnItsFirstRequestOnly() throws Exception {
    String database = name(lazy);
    try (Connection admin = main.connect()) {
      assertThat(poolsOf(database)).as("no pool before the first request").isEmpty();
      Integer before = connectionsTo(admin, database);
      if (before != null) {
        assertThat(before).as("no connection to %s before its first request", database).isZero();
      }
      ok("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM dbs_made").put("database", database));
      assertThat(poolsOf(database)).as("its pool, once used").isNotEmpty();
      Integer after = connectionsTo(admin, database);
      if (after != null) {
        assertThat(after).isPositive();
      }
    }
  }

  /** The pools the metrics show for {@code database}: PoolSetup names them {@code <engine>-<database>@<node>}. */
  private List<String> poolsOf(String database) {
    return Scrape.of(gateway).samples("vertx_pool_in_use", Map.of("pool_type", "sql")).stream()
        .map(sample -> sample.labels().get("pool_name"))
        .filter(pool -> pool.contains(database + "@") || pool.endsWith("@" + database))
        .toList();
  }

  @Test
  void aListedDatabaseThatDoesNotExistIsThatRequestsProblemAndNeverOpensDbNamesBreaker() throws Exception {
    for (int i = 0; i < BREAKER_MAX_FAILURES + 2; i++) {
      Response r = post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one").put("database", missing));
      if (i == 0) {
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.json().getString("detail")).contains(missing).contains("does not exist");
      } else {
        // Its own breaker may open (on SQLite a file that cannot be opened is a failing database).
        assertThat(r.status()).as(r.body()).isIn(404, 503);
      }
    }
    Response tx = post("/v1/transactions", new JsonObject().put("database", missing));
    assertThat(tx.status()).as(tx.body()).isIn(404, 503);

    Response mainStill = ok("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one"));
    assertThat(mainStill.json().getJsonArray("rows").getJsonObject(0).getInteger("one")).isEqualTo(1);
    assertThat(gateway.get("/health/ready").status()).isEqualTo(200);
    String node = mainStill.json().getString("node");
    assertThat(Scrape.of(gateway).value("dbgateway_breaker_state", Map.of("node", node))).isZero();
  }
}
