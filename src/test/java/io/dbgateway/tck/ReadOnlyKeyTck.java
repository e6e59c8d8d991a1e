package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A READ key cannot write, on every engine and through every path, however the write is dressed up:
 * behind a comment, inside a CTE, after a statement that ends the read-only transaction, or after one
 * that would change the session a pooled connection keeps. The gateway under test has one connection
 * per pool, so every request reuses the connection the attacks ran on: after them the database is
 * unchanged, a WRITE key writes normally, and a READ key is still read-only.
 *
 * <p>Each engine adds the ways around read-only that are its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReadOnlyKeyTck {

  static final String READ_SECRET = "read-secret-0123456789";
  static final String WRITE_SECRET = "write-secret-0123456789";
  static final String NAMED_SECRET = "named-secret-0123456789";

  /** One request and the status it must get. */
  protected record Attack(String path, JsonObject body, int status) {

    @Override
    public String toString() {
      return path + " " + body.encode();
    }
  }

  protected abstract Engine engine();

  /** Writes this engine's SQL can hide: in a CTE, an executable comment, a RETURNING clause... */
  protected abstract List<String> hiddenWrites(String table);

  /** Statements a READ key might use to leave read-only, or to change the pooled session. */
  protected abstract List<String> sessionEscapes(String table);

  /**
   * Statements the database lets a read-only transaction run that change the session, each with a
   * query that shows whether the change outlived the request: it must answer as before.
   */
  protected abstract Map<String, String> sessionChangesAndTheirProbe(String table);

  /** The database's own refusals that the lexical guard does not see, for a READ key (each a 4xx). */
  protected List<Attack> refusedByTheDatabaseOnly(String table) {
    return List.of();
  }

  private GatewayUnderTest gateway;
  protected String table;

  /**
   * Settings added to the gateway under test, after the database is prepared: the read-only login
   * ({@code DB_READ_USER}) in the suites that run every attack again with it.
   */
  protected Map<String, String> extraSettings() throws SQLException {
    return Map.of();
  }

  @BeforeAll
  void startGateway() throws SQLException {
    Map<String, String> env = new HashMap<>(engine().env());
    env.putAll(extraSettings());
    env.put("GATEWAY_API_KEYS", "reader:read:" + READ_SECRET + ",writer:write:" + WRITE_SECRET
        + ",namer:named:" + NAMED_SECRET);
    // One connection per pool: every request after an attack runs on the connection the attack ran on.
    env.put("DB_POOL_SIZE", "1");
    gateway = GatewayUnderTest.start(env);
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @BeforeEach
  void createTable() throws SQLException {
    table = Engine.uniqueTable("ro");
    engine().execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
  }

  // ---- requests ----

  protected static JsonObject sql(String sql) {
    return new JsonObject().put("sql", sql);
  }

  protected static Attack query(String sql) {
    return new Attack("/v1/query", sql(sql), 403);
  }

  protected static Attack transaction(String... statements) {
    JsonArray all = new JsonArray();
    for (String statement : statements) {
      all.add(sql(statement));
    }
    return new Attack("/v1/transaction", new JsonObject().put("statements", all), 403);
  }

  protected static Attack withStatus(Attack attack, int status) {
    return new Attack(attack.path(), attack.body(), status);
  }

  /**
   * A READ key takes a session-level lock that a rollback keeps ({@code take}); once the request is
   * answered, another session finds it free ({@code isFree} answers 1 or true), on the one pooled
   * connection the lock was taken on.
   */
  protected void assertSessionLockIsReleasedWithTheRequest(String take, String isFree) throws SQLException {
    Response taken = send(query(take), READ_SECRET);
    assertThat(taken.status()).as(taken.body()).isEqualTo(200);
    try (java.sql.Connection direct = engine().jdbc(); var s = direct.createStatement(); var rs = s.executeQuery(isFree)) {
      rs.next();
      assertThat(rs.getString(1)).as("the lock is free once the request is answered").isIn("1", "t", "true");
    }
    assertThePooledConnectionIsClean();
  }

  private Response send(Attack attack, String secret) {
    return gateway.post(attack.path(), attack.body(), Map.of("Authorization", "Bearer " + secret));
  }

  private void assertRefused(List<Attack> attacks, String secret) throws SQLException {
    for (Attack attack : attacks) {
      Response r = send(attack, secret);
      assertThat(r.status()).as("%s -> %s", attack, r.body()).isEqualTo(attack.status());
      if (attack.status() == 403) {
        assertThat(r.json().getString("code")).as(r.body()).isEqualTo("FORBIDDEN");
      }
    }
    assertUnchanged();
  }

  private String insert(int id) {
    return "INSERT INTO " + table + " (id, name) VALUES (" + id + ", 'x')";
  }

  /** The table holds its one row, and no table the attacks tried to create exists. */
  private void assertUnchanged() throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, name FROM " + table + " ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getString(2)).isEqualTo("one");
      assertThat(rs.next()).as("only the original row").isFalse();
    }
    try (Connection c = engine().jdbc(); ResultSet tables = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE", "VIEW"})) {
      while (tables.next()) {
        assertThat(tables.getString("TABLE_NAME").toLowerCase()).as("a table the attacks created")
            .doesNotStartWith(table.toLowerCase() + "_");
      }
    }
  }

  /** On the same pooled connection: a WRITE key writes (autocommit and in a transaction), a READ key cannot. */
  private void assertThePooledConnectionIsClean() throws SQLException {
    Response read = send(query("SELECT name FROM " + table + " WHERE id = 1"), READ_SECRET);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.json().getJsonArray("rows")).containsExactly(new JsonObject().put("name", "one"));
    Response stillReadOnly = send(query(insert(50)), READ_SECRET);
    assertThat(stillReadOnly.status()).as(stillReadOnly.body()).isEqualTo(403);

    Response autocommit = send(query(insert(2)), WRITE_SECRET);
    assertThat(autocommit.status()).as(autocommit.body()).isEqualTo(200);
    Response inTransaction = send(transaction(insert(3), "SELECT COUNT(*) AS n FROM " + table), WRITE_SECRET);
    assertThat(inTransaction.status()).as(inTransaction.body()).isEqualTo(200);
    assertThat(engine().count(table, "id IN (2, 3)")).isEqualTo(2);
  }

  // ---- the suite ----

  @Test
  void readOnlyKeyCannotInsertUpdateDeleteOrRunDdlThroughQueryBatchOrTransaction() throws SQLException {
    List<Attack> attacks = new ArrayList<>();
    for (String write : List.of(insert(9), "UPDATE " + table + " SET name = 'changed'", "DELETE FROM " + table,
        "CREATE TABLE " + table + "_new (id INTEGER)", "DROP TABLE " + table,
        "ALTER TABLE " + table + " ADD COLUMN extra INTEGER", "CREATE INDEX " + table + "_ix ON " + table + " (name)")) {
      attacks.add(query(write));
      attacks.add(transaction("SELECT 1", write));
      attacks.add(new Attack("/v1/query", sql(write).put("readOnly", false), 403));
    }
    attacks.add(new Attack("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add(7).add("b")).add(new JsonArray().add(8).add("c"))), 403));
    attacks.add(new Attack("/v1/batch", new JsonObject().put("sql", "DELETE FROM " + table + " WHERE id = ?")
        .put("params", new JsonArray().add(new JsonArray().add(1))), 403));
    assertRefused(attacks, READ_SECRET);
    assertThePooledConnectionIsClean();
  }

  @Test
  void readOnlyKeyCannotWriteBehindACommentOrInsideACte() throws SQLException {
    List<Attack> attacks = new ArrayList<>();
    for (String write : List.of("/* only a read */ DELETE FROM " + table, "-- only a read\nDELETE FROM " + table,
        "/* SELECT */ " + insert(9))) {
      attacks.add(query(write));
    }
    for (String hidden : hiddenWrites(table)) {
      attacks.add(query(hidden));
      attacks.add(transaction(hidden));
    }
    assertRefused(attacks, READ_SECRET);
    assertThePooledConnectionIsClean();
  }

  @Test
  void readOnlyKeyCannotEndItsReadOnlyTransactionAndThenWrite() throws SQLException {
    List<Attack> attacks = new ArrayList<>(List.of(
        query("COMMIT"),
        query("ROLLBACK"),
        query("COMMIT; " + insert(9)),
        query("/* x */ commit; " + insert(9)),
        transaction("COMMIT", insert(9)),
        transaction("SELECT 1", "COMMIT", insert(9)),
        transaction("ROLLBACK", insert(9)),
        transaction("SAVEPOINT s", insert(9)),
        query("BEGIN"),
        query("START TRANSACTION"),
        transaction("BEGIN", insert(9)),
        transaction("END", insert(9))));
    assertRefused(attacks, READ_SECRET);
    assertThePooledConnectionIsClean();
  }

  @Test
  void readOnlyKeyCannotChangeTheSessionOrTheTransactionMode() throws SQLException {
    List<Attack> attacks = new ArrayList<>();
    for (String escape : sessionEscapes(table)) {
      attacks.add(query(escape));
      attacks.add(transaction(escape, insert(9)));
    }
    assertRefused(attacks, READ_SECRET);
    assertThePooledConnectionIsClean();
  }

  @Test
  void whatTheDatabaseLetsAReadOnlyTransactionChangeDoesNotOutliveTheRequest() throws SQLException {
    for (Map.Entry<String, String> change : sessionChangesAndTheirProbe(table).entrySet()) {
      Attack probe = query(change.getValue());
      Response before = send(probe, READ_SECRET);
      assertThat(before.status()).as(before.body()).isEqualTo(200);
      Response changed = send(query(change.getKey()), READ_SECRET);
      assertThat(changed.status()).as("%s -> %s", change.getKey(), changed.body()).isEqualTo(200);
      Response after = send(probe, READ_SECRET);
      assertThat(after.status()).as(after.body()).isEqualTo(200);
      assertThat(after.json().getJsonArray("rows")).as("after %s", change.getKey())
          .isEqualTo(before.json().getJsonArray("rows"));
    }
    assertUnchanged();
    assertThePooledConnectionIsClean();
  }

  @Test
  void theDatabaseRefusesWhatTheGuardDoesNotSee() throws SQLException {
    assertRefused(refusedByTheDatabaseOnly(table), READ_SECRET);
    assertThePooledConnectionIsClean();
  }

  /**
   * Without the lexical guard (a WRITE key asking for readOnly itself), the database alone refuses every
   * hidden write and DDL: 400 SQL_ERROR with SQLSTATE 25006, the database's answer to the request.
   */
  @Test
  void theDatabaseItselfKeepsAReadOnlyRequestReadOnly() throws SQLException {
    List<String> writes = new ArrayList<>(hiddenWrites(table));
    writes.addAll(List.of(insert(9), "DELETE FROM " + table, "CREATE TABLE " + table + "_new (id INTEGER)",
        "DROP TABLE " + table));
    for (String write : writes) {
      for (Attack attack : List.of(query(write), transaction("SELECT 1", write))) {
        attack.body().put("readOnly", true);
        Response r = send(attack, WRITE_SECRET);
        assertThat(r.status()).as("%s -> %s", attack, r.body()).isEqualTo(400);
        assertThat(r.json().getString("code")).isEqualTo("SQL_ERROR");
        assertThat(r.json().getString("sqlState")).as(r.body()).isIn(refusalStates());
      }
    }
    assertUnchanged();
    assertThePooledConnectionIsClean();
  }

  /**
   * The SQLSTATEs the database refuses a write in a read-only request with: 25006, and, where a
   * read-only login checks privileges before the transaction's mode (MariaDB), its access denial too.
   */
  protected java.util.Set<String> refusalStates() {
    return java.util.Set.of("25006");
  }

  // ---- interactive transactions ----

  private String begin(String secret) {
    Response begun = send(new Attack("/v1/transactions", new JsonObject(), 200), secret);
    assertThat(begun.status()).as(begun.body()).isEqualTo(200);
    return begun.json().getString("txId");
  }

  private Response end(String txId, String how, String secret) {
    return send(new Attack("/v1/transactions/" + txId + "/" + how, new JsonObject(), 200), secret);
  }

  private static Attack inTransaction(Attack attack, String txId) {
    return new Attack(attack.path(), attack.body().copy().put("txId", txId), attack.status());
  }

  /**
   * Each attack in a transaction of its own, begun by the READ key (forced read-only), then rolled
   * back; the statement that ends the transaction and the write after it share one.
   */
  @Test
  void readOnlyKeyCannotWriteInsideAnInteractiveTransaction() throws SQLException {
    List<Attack> attacks = new ArrayList<>(List.of(query(insert(9)), query("DELETE FROM " + table),
        query("CREATE TABLE " + table + "_new (id INTEGER)"), query("COMMIT"), query("ROLLBACK"),
        query("SET TRANSACTION READ WRITE"), query("SAVEPOINT s"),
        new Attack("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, 'b')")
            .put("params", new JsonArray().add(new JsonArray().add(7))), 403)));
    hiddenWrites(table).forEach(hidden -> attacks.add(query(hidden)));
    sessionEscapes(table).forEach(escape -> attacks.add(query(escape)));
    for (Attack attack : attacks) {
      String txId = begin(READ_SECRET);
      Response r = send(inTransaction(attack, txId), READ_SECRET);
      assertThat(r.status()).as("%s -> %s", attack, r.body()).isEqualTo(403);
      assertThat(end(txId, "rollback", READ_SECRET).status()).isEqualTo(200);
    }
    String txId = begin(READ_SECRET);
    assertThat(send(inTransaction(query("COMMIT"), txId), READ_SECRET).status()).isEqualTo(403);
    assertThat(send(inTransaction(query(insert(9)), txId), READ_SECRET).status()).isEqualTo(403);
    // PostgreSQL aborted the transaction at the refused write: commit answers 400 (25P02), and rolls back.
    assertThat(end(txId, "commit", READ_SECRET).status()).isIn(200, 400);
    assertUnchanged();
    assertThePooledConnectionIsClean();
  }

  @Test
  void aReadOnlyInteractiveTransactionGivesItsConnectionBackClean() throws SQLException {
    for (String how : List.of("commit", "rollback")) {
      String txId = begin(READ_SECRET);
      Response read = send(inTransaction(query("SELECT name FROM " + table), txId), READ_SECRET);
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(end(txId, how, READ_SECRET).status()).isEqualTo(200);
      Response write = send(query(insert(how.length())), WRITE_SECRET);
      assertThat(write.status()).as("a WRITE key after a READ transaction's %s: %s", how, write.body()).isEqualTo(200);
    }
    assertThat(engine().count(table, "1 = 1")).isEqualTo(3);
  }

  @Test
  void readOnlyKeyCannotWriteThroughAnotherKeysTransaction() throws SQLException {
    String txId = begin(WRITE_SECRET);
    Response r = send(inTransaction(query(insert(9)), txId), READ_SECRET);
    assertThat(r.status()).as("another key's transaction is unknown to it: %s", r.body()).isEqualTo(404);
    assertThat(end(txId, "commit", READ_SECRET).status()).isEqualTo(404);
    assertThat(end(txId, "rollback", WRITE_SECRET).status()).isEqualTo(200);
    assertUnchanged();
  }

  // ---- the RDS Data API ----

  private static JsonObject envelope() {
    return new JsonObject().put("resourceArn", "arn:aws:rds:us-east-1:123456789012:cluster:gateway")
        .put("secretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway");
  }

  private static JsonObject execute(String sql) {
    return envelope().put("sql", sql);
  }

  @Test
  void readOnlyKeyCannotWriteThroughTheDataApi() throws SQLException {
    List<Attack> attacks = new ArrayList<>();
    List<String> writes = new ArrayList<>(List.of(insert(9), "DELETE FROM " + table, "COMMIT", "COMMIT; " + insert(9),
        "DROP TABLE " + table));
    writes.addAll(hiddenWrites(table));
    writes.addAll(sessionEscapes(table));
    for (String write : writes) {
      attacks.add(new Attack("/Execute", execute(write), 403));
    }
    attacks.add(new Attack("/BatchExecute", execute("INSERT INTO " + table + " (id, name) VALUES (:id, 'b')")
        .put("parameterSets", new JsonArray().add(new JsonArray().add(new JsonObject().put("name", "id")
            .put("value", new JsonObject().put("longValue", 7))))), 403));
    for (Attack attack : attacks) {
      Response r = send(attack, READ_SECRET);
      assertThat(r.status()).as("%s -> %s", attack, r.body()).isEqualTo(403);
      assertThat(r.header("X-Amzn-Errortype")).isEqualTo("ForbiddenException");
    }
    Response begun = send(new Attack("/BeginTransaction", envelope(), 200), READ_SECRET);
    assertThat(begun.status()).as(begun.body()).isEqualTo(200);
    String txId = begun.json().getString("transactionId");
    Response inside = send(new Attack("/Execute", execute(insert(9)).put("transactionId", txId), 403), READ_SECRET);
    assertThat(inside.status()).as(inside.body()).isEqualTo(403);
    send(new Attack("/RollbackTransaction", envelope().put("transactionId", txId), 200), READ_SECRET);
    assertUnchanged();
    assertThePooledConnectionIsClean();
  }

  @Test
  void namedKeyCannotSendRawSqlThroughTheDataApi() throws SQLException {
    for (Attack attack : List.of(new Attack("/Execute", execute("SELECT 1"), 403),
        new Attack("/Execute", execute(insert(9)), 403), new Attack("/BeginTransaction", envelope(), 403))) {
      Response r = send(attack, NAMED_SECRET);
      assertThat(r.status()).as("%s -> %s", attack, r.body()).isEqualTo(403);
      assertThat(r.header("X-Amzn-Errortype")).isEqualTo("ForbiddenException");
    }
    assertUnchanged();
  }

  // ---- NDJSON streams ----

  private Response stream(String sql, String secret) {
    return stream(sql(sql), secret);
  }

  private Response stream(JsonObject request, String secret) {
    return gateway.post("/v1/query", request,
        Map.of("Authorization", "Bearer " + secret, "Accept", "application/x-ndjson"));
  }

  @Test
  void readOnlyKeyCannotWriteThroughAStream() throws SQLException {
    // Strong: on Galera a read key's stream may go to a node that has not yet applied the set-up's insert.
    Response read = stream(sql("SELECT id, name FROM " + table).put("consistency", "strong"), READ_SECRET);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.header("Content-Type")).startsWith("application/x-ndjson");
    assertThat(read.body().lines().toList()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(new JsonObject(read.body().lines().toList().get(1))).isEqualTo(new JsonObject().put("id", 1).put("name", "one"));

    List<String> writes = new ArrayList<>(List.of(insert(9), "DELETE FROM " + table, "COMMIT", "COMMIT; " + insert(9),
        "CREATE TABLE " + table + "_new (id INTEGER)", "DROP TABLE " + table));
    writes.addAll(hiddenWrites(table));
    writes.addAll(sessionEscapes(table));
    for (String write : writes) {
      Response r = stream(write, READ_SECRET);
      assertThat(r.status()).as("%s -> %s", write, r.body()).isEqualTo(403);
      assertThat(r.json().getString("code")).isEqualTo("FORBIDDEN");
    }
    Response named = stream("SELECT id FROM " + table, NAMED_SECRET);
    assertThat(named.status()).as("a NAMED key streams no SQL: %s", named.body()).isEqualTo(403);
    assertUnchanged();
    assertThePooledConnectionIsClean();
  }

  @Test
  void namedKeyCannotSendRawSql() throws SQLException {
    List<Attack> attacks = List.of(query("SELECT id FROM " + table), query(insert(9)), transaction(insert(9)),
        new Attack("/v1/batch", new JsonObject().put("sql", insert(9)).put("params", new JsonArray().add(new JsonArray())), 403),
        new Attack("/v1/transactions", new JsonObject(), 403));
    assertRefused(attacks, NAMED_SECRET);
    assertThePooledConnectionIsClean();
  }
}
