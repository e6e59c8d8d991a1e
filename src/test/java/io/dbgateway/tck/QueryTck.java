package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Query, batch and atomic transaction, over HTTP and the event bus: the same behaviour on every
 * engine. Each engine runs this suite unchanged through a subclass.
 */
public abstract class QueryTck {

  protected abstract Engine engine();

  private GatewayUnderTest gateway;
  private String table;

  @BeforeEach
  void createTable() throws SQLException {
    gateway = engine().gateway();
    table = Engine.uniqueTable("items");
    execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, qty INTEGER)");
    execute("INSERT INTO " + table + " (id, name, qty) VALUES (1, 'apple', 3), (2, 'pear', 5), (3, 'plum', 7)");
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private int countRows(String where) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE " + where)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private Response query(JsonObject body) {
    return gateway.post("/v1/query", body);
  }

  /** A statement that affects no rows reports 0 (PostgreSQL's driver read a number out of "CREATE TABLE"). */
  @Test
  void ddlReportsNoRowsUpdatedAndWritesTheirCount() {
    String other = Engine.uniqueTable("ddl");
    Response created = query(new JsonObject().put("sql", "CREATE TABLE " + other + " (id INTEGER)"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    assertThat(created.json().getLong("updated")).isZero();
    Response inserted = query(new JsonObject().put("sql", "INSERT INTO " + other + " (id) VALUES (1), (2)"));
    assertThat(inserted.json().getLong("updated")).isEqualTo(2);
    Response dropped = query(new JsonObject().put("sql", "DROP TABLE " + other));
    assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
    assertThat(dropped.json().getLong("updated")).isZero();
  }

  /** A write that returns its rows reports how many it wrote; a read reports none, whatever it read. */
  @Test
  void aWriteReturningItsRowsReportsThemUpdated() {
    Response inserted = query(new JsonObject().put("sql", "INSERT INTO " + table
        + " (id, name, qty) VALUES (40, 'fig', 1), (41, 'kiwi', 2) RETURNING id"));
    assertThat(inserted.status()).as(inserted.body()).isEqualTo(200);
    assertThat(inserted.json().getInteger("rowCount")).isEqualTo(2);
    assertThat(inserted.json().getLong("updated")).isEqualTo(2);
    Response read = query(new JsonObject().put("sql", "SELECT id FROM " + table + " WHERE id >= 40"));
    assertThat(read.json().getInteger("rowCount")).isEqualTo(2);
    assertThat(read.json().getLong("updated")).isZero();
  }

  /** A script without parameters runs whole, in order, on one connection, and answers its last statement. */
  @Test
  void aScriptWithoutParametersRunsEveryStatementAndAnswersTheLast() throws SQLException {
    String other = Engine.uniqueTable("script");
    Response r = query(new JsonObject().put("sql", "CREATE TABLE " + other + " (id INTEGER, note VARCHAR(20));\n"
        + "INSERT INTO " + other + " (id, note) VALUES (1, 'a;b'); -- a comment; with a semicolon\n"
        + "INSERT INTO " + other + " (id, note) VALUES (2, 'c');\n"
        + "SELECT COUNT(*) AS n, MAX(note) AS last FROM " + other + ";"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows")).containsExactly(new JsonObject().put("n", 2).put("last", "c"));
    assertThat(r.json().getJsonArray("columns").getJsonObject(0).getString("name")).isEqualTo("n");

    Response written = query(new JsonObject().put("sql", "DELETE FROM " + other + " WHERE id = 1; UPDATE " + other
        + " SET note = 'd' WHERE id = 2"));
    assertThat(written.status()).as(written.body()).isEqualTo(200);
    assertThat(written.json().getLong("updated")).as("the last statement's count").isEqualTo(1);
    try (Connection c = engine().jdbc(); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, note FROM " + other)) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(2);
      assertThat(rs.getString(2)).isEqualTo("d");
      assertThat(rs.next()).isFalse();
    }
  }

  /** The first failing statement ends a script with its error; the statements after it do not run. */
  @Test
  void aScriptStopsAtItsFirstFailure() throws SQLException {
    Response r = query(new JsonObject().put("sql", "UPDATE " + table + " SET qty = 100 WHERE id = 1;"
        + " SELECT * FROM no_such_table_here; UPDATE " + table + " SET qty = 200 WHERE id = 2"));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("SQL_ERROR");
    assertThat(countRows("id = 2 AND qty = 200")).as("the statement after the failure").isZero();
  }

  /** Parameters belong to one statement: SQL with several statements and parameters is a clear 400. */
  @Test
  void severalStatementsWithParametersAreRefused() throws SQLException {
    Response r = query(new JsonObject().put("sql", "UPDATE " + table + " SET qty = ? WHERE id = 1; SELECT 1")
        .put("params", new JsonArray().add(9)));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(r.json().getString("detail")).contains("2 statements and parameters");
    assertThat(countRows("qty = 9")).isZero();

    Response batch = gateway.post("/v1/batch", new JsonObject()
        .put("sql", "UPDATE " + table + " SET qty = 9 WHERE id = 1; SELECT 1").put("params", new JsonArray().add(new JsonArray())));
    assertThat(batch.status()).as(batch.body()).isEqualTo(400);
    assertThat(batch.json().getString("detail")).contains("a batch runs one statement");
    assertThat(countRows("qty = 9")).isZero();
  }

  @Test
  void positionalParametersSelectRows() {
    Response r = query(new JsonObject().put("sql", "SELECT id, name FROM " + table + " WHERE qty > ? ORDER BY id")
        .put("params", new JsonArray().add(4)));
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getJsonArray("rows")).containsExactly(
        new JsonObject().put("id", 2).put("name", "pear"), new JsonObject().put("id", 3).put("name", "plum"));
    assertThat(body.getInteger("rowCount")).isEqualTo(2);
    assertThat(body.getBoolean("truncated")).isFalse();
    assertThat(body.getJsonArray("columns").getJsonObject(0).getString("name")).isEqualTo("id");
    assertThat(body.getString("node")).isNotBlank();
    assertThat(body.getDouble("elapsedMs")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void namedParametersMayRepeatAndIgnoreLiterals() {
    Response r = query(new JsonObject()
        .put("sql", "SELECT name, ':qty' AS literal FROM " + table + " WHERE qty = :qty OR id = :qty ORDER BY id")
        .put("params", new JsonObject().put("qty", 3)));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows")).containsExactly(
        new JsonObject().put("name", "apple").put("literal", ":qty"),
        new JsonObject().put("name", "plum").put("literal", ":qty"));
  }

  @Test
  void maxRowsTruncatesAndSaysSo() {
    Response r = query(new JsonObject().put("sql", "SELECT id FROM " + table + " ORDER BY id").put("maxRows", 2));
    assertThat(r.json().getJsonArray("rows")).hasSize(2);
    assertThat(r.json().getBoolean("truncated")).isTrue();
    Response all = query(new JsonObject().put("sql", "SELECT id FROM " + table + " ORDER BY id").put("maxRows", 3));
    assertThat(all.json().getBoolean("truncated")).isFalse();
  }

  @Test
  void arraysFormatReturnsListsInColumnOrder() {
    Response r = query(new JsonObject().put("sql", "SELECT id, name FROM " + table + " WHERE id = 1")
        .put("format", "arrays"));
    assertThat(r.json().getJsonArray("rows")).containsExactly(new JsonArray().add(1).add("apple"));
  }

  @Test
  void insertReportsUpdatedCount() throws SQLException {
    Response r = query(new JsonObject().put("sql", "INSERT INTO " + table + " (id, name, qty) VALUES (?, ?, ?)")
        .put("params", new JsonArray().add(10).add("fig").add(1)));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getLong("updated")).isEqualTo(1);
    assertThat(countRows("name = 'fig'")).isEqualTo(1);
  }

  @Test
  void valuesAreBoundNeverSpliced() throws SQLException {
    String hostile = "x'); DROP TABLE " + table + "; --";
    Response r = query(new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(11).add(hostile)));
    assertThat(r.status()).isEqualTo(200);
    Response back = query(new JsonObject().put("sql", "SELECT name FROM " + table + " WHERE id = 11"));
    assertThat(back.json().getJsonArray("rows").getJsonObject(0).getString("name")).isEqualTo(hostile);
    assertThat(countRows("1 = 1")).isEqualTo(4);
  }

  @Test
  void unknownTableIsSqlErrorWithSqlState() {
    Response r = query(new JsonObject().put("sql", "SELECT * FROM no_such_table_here"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    JsonObject problem = r.json();
    assertThat(problem.getString("code")).isEqualTo("SQL_ERROR");
    assertThat(problem.getString("type")).isEqualTo("urn:dbgateway:error:sql-error");
    assertThat(problem.getString("detail")).containsIgnoringCase("no_such_table_here");
    assertThat(problem.getBoolean("retryable")).isFalse();
    assertThat(problem.fieldNames()).contains("sqlState", "dbCode", "statementIndex");
    assertThat(r.body()).doesNotContain("at io.", "Exception");
  }

  @Test
  void uniqueViolationIsConflict() {
    Response r = query(new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(20).add("apple")));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("CONFLICT");
    assertThat(r.json().getString("sqlState")).startsWith("23");
  }

  @Test
  void readOnlyQueryCannotWriteAndNothingChanges() throws SQLException {
    for (String write : new String[] {
        "INSERT INTO " + table + " (id, name) VALUES (30, 'ro')",
        "UPDATE " + table + " SET qty = 0",
        "DELETE FROM " + table,
        "/* a comment first */ DELETE FROM " + table}) {
      Response r = query(new JsonObject().put("sql", write).put("readOnly", true));
      assertThat(r.status()).as(write).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("SQL_ERROR");
      assertThat(r.json().getString("sqlState")).isEqualTo("25006");
    }
    assertThat(countRows("1 = 1")).isEqualTo(3);
    assertThat(countRows("qty = 0")).isZero();
    Response read = query(new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + table).put("readOnly", true));
    assertThat(read.status()).isEqualTo(200);
  }

  @Test
  void batchRunsEveryParameterSetInOneTransaction() throws SQLException {
    Response r = gateway.post("/v1/batch", new JsonObject()
        .put("sql", "INSERT INTO " + table + " (id, name) VALUES (:id, :name)")
        .put("params", new JsonArray()
            .add(new JsonObject().put("id", 40).put("name", "b1"))
            .add(new JsonObject().put("id", 41).put("name", "b2"))));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("updated")).containsExactly(1, 1);
    assertThat(countRows("id IN (40, 41)")).isEqualTo(2);
  }

  @Test
  void failedBatchRollsBackEverySet() throws SQLException {
    Response r = gateway.post("/v1/batch", new JsonObject()
        .put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray()
            .add(new JsonArray().add(50).add("ok"))
            .add(new JsonArray().add(51).add("apple"))));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getInteger("statementIndex")).isEqualTo(1);
    assertThat(countRows("id IN (50, 51)")).isZero();
  }

  @Test
  void transactionCommitsAllAndReturnsEachResult() throws SQLException {
    Response r = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "UPDATE " + table + " SET qty = qty - 1 WHERE id = ?").put("params", new JsonArray().add(1)))
        .add(new JsonObject().put("sql", "UPDATE " + table + " SET qty = qty + 1 WHERE id = ?").put("params", new JsonArray().add(2)))
        .add(new JsonObject().put("sql", "SELECT qty FROM " + table + " WHERE id IN (1, 2) ORDER BY id"))));
    assertThat(r.status()).isEqualTo(200);
    JsonArray results = r.json().getJsonArray("results");
    assertThat(results).hasSize(3);
    assertThat(results.getJsonObject(0).getLong("updated")).isEqualTo(1);
    assertThat(results.getJsonObject(2).getJsonArray("rows"))
        .containsExactly(new JsonObject().put("qty", 2), new JsonObject().put("qty", 6));
  }

  @Test
  void failedTransactionRollsBackCompletelyAndNamesTheStatement() throws SQLException {
    Response r = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "UPDATE " + table + " SET qty = 100 WHERE id = 1"))
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (60, 'new')"))
        .add(new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (61, 'pear')"))));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getInteger("statementIndex")).isEqualTo(2);
    assertThat(countRows("qty = 100")).isZero();
    assertThat(countRows("id = 60")).isZero();
  }

  @Test
  void eventBusTakesTheSameJsonAndAnswersTheSameResult() {
    JsonObject body = new JsonObject().put("sql", "SELECT name FROM " + table + " WHERE id = ?")
        .put("params", new JsonArray().add(2));
    JsonObject viaBus = gateway.request(Addresses.QUERY, body);
    JsonObject viaHttp = query(body).json();
    assertThat(viaBus.getJsonArray("rows")).isEqualTo(viaHttp.getJsonArray("rows"))
        .containsExactly(new JsonObject().put("name", "pear"));
    JsonObject batch = gateway.request(Addresses.BATCH, new JsonObject()
        .put("sql", "UPDATE " + table + " SET qty = ? WHERE id = ?")
        .put("params", new JsonArray().add(new JsonArray().add(9).add(1))));
    assertThat(batch.getJsonArray("updated")).containsExactly(1);
    JsonObject tx = gateway.request(Addresses.TRANSACTION, new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "SELECT qty FROM " + table + " WHERE id = 1"))));
    assertThat(tx.getJsonArray("results").getJsonObject(0).getJsonArray("rows"))
        .containsExactly(new JsonObject().put("qty", 9));
  }

  @Test
  void eventBusFailuresAreReplyExceptionsWithStatusAndProblem() {
    JsonObject body = new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (1, 'dup')");
    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, body))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(409);
          JsonObject problem = new JsonObject(e.getMessage());
          assertThat(problem.getString("code")).isEqualTo("CONFLICT");
          assertThat(problem.getInteger("status")).isEqualTo(409);
        });
    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, new JsonObject().put("params", new JsonArray())))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
  }

  @Test
  void malformedRequestsAreBadRequests() {
    assertBadRequest(gateway.post("/v1/query", "{\"sql\": "), "malformed");
    assertBadRequest(gateway.post("/v1/query", "[1, 2]"), "JSON object");
    assertBadRequest(query(new JsonObject().put("params", new JsonArray())), "sql is required");
    assertBadRequest(query(new JsonObject().put("sql", "SELECT 1").put("params", "nope")), "params");
    assertBadRequest(query(new JsonObject().put("sql", "SELECT id FROM " + table + " WHERE id = ?")), "placeholder");
    assertBadRequest(query(new JsonObject().put("sql", "SELECT id FROM " + table + " WHERE id = :id")
        .put("params", new JsonObject())), ":id");
    assertBadRequest(query(new JsonObject().put("sql", "SELECT 1").put("maxRows", "ten")), "maxRows");
    assertBadRequest(query(new JsonObject().put("sql", "SELECT 1").put("surprise", true)), "surprise");
    assertBadRequest(gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray())), "statements");
  }

  private static void assertBadRequest(Response r, String detailMentions) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    assertThat(r.json().getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(r.json().getString("detail")).containsIgnoringCase(detailMentions);
  }

  @Test
  void oversizedBodyIsTooLarge() {
    String big = "x".repeat(1_100_000);
    Response r = query(new JsonObject().put("sql", "SELECT '" + big + "'"));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("code")).isEqualTo("TOO_LARGE");
  }

  @Test
  void healthIsLiveAndReady() {
    Response live = gateway.get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    Response ready = gateway.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("UP");
    assertThat(ready.body()).contains("migrations", "database");
  }

  @Test
  void migrationsCreatedTheStandardTables() {
    Response r = query(new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_user"));
    assertThat(r.status()).isEqualTo(200);
    Response roles = query(new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM auth_role"));
    assertThat(roles.status()).isEqualTo(200);
  }
}
