package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.Role;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The role rules where every adapter's requests arrive, the event bus: a NAMED key runs no raw SQL, a
 * READ key's work runs in transactions the database itself keeps read-only.
 */
public abstract class BusRolesTck {

  private static final Caller NAMED = new Caller("named-key", Role.NAMED);
  private static final Caller READ = new Caller("read-key", Role.READ);
  private static final Caller WRITE = new Caller("write-key", Role.WRITE);

  protected abstract Engine engine();

  // JUnit makes an instance per test: each test has its own table.
  private final GatewayUnderTest gateway = engine().gateway();
  private final String table = Engine.uniqueTable("roles");

  @BeforeEach
  void createTable() throws SQLException {
    engine().execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        "INSERT INTO " + table + " (id, name) VALUES (1, 'one')");
  }

  private int rows() throws SQLException {
    return engine().count(table, "1 = 1");
  }

  private JsonObject insert(int id) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, 'x')")
        .put("params", new JsonArray().add(id));
  }

  private static void assertProblem(ReplyException e, int status, String code) {
    assertThat(e.failureCode()).as(e.getMessage()).isEqualTo(status);
    assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo(code);
  }

  @Test
  void namedKeyIsForbiddenRawSqlOnEveryOperation() throws SQLException {
    JsonObject select = new JsonObject().put("sql", "SELECT id FROM " + table);
    JsonObject batch = new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (?)")
        .put("params", new JsonArray().add(new JsonArray().add(7)));
    JsonObject transaction = new JsonObject().put("statements", new JsonArray().add(insert(8)));
    for (var call : new Object[][] {{Addresses.QUERY, select}, {Addresses.QUERY, insert(6)}, {Addresses.BATCH, batch},
        {Addresses.TRANSACTION, transaction}, {Addresses.TX_BEGIN, new JsonObject()}}) {
      assertThatThrownBy(() -> gateway.request((String) call[0], (JsonObject) call[1], NAMED))
          .as("%s", call[0])
          .isInstanceOfSatisfying(ReplyException.class, e -> assertProblem(e, 403, "FORBIDDEN"));
    }
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void readKeyCannotInsertThroughQueryTheDatabaseRefusesIt() throws SQLException {
    // The database refuses (SQLSTATE 25006); for a READ key that is its role at work: 403.
    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, insert(2), READ))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertProblem(e, 403, "FORBIDDEN");
          assertThat(new JsonObject(e.getMessage()).getString("sqlState")).isEqualTo("25006");
        });
    // readOnly: false in the body does not lift it
    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, insert(3).put("readOnly", false), READ))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertProblem(e, 403, "FORBIDDEN"));
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void readKeyCannotWriteThroughBatchOrTransaction() throws SQLException {
    JsonObject batch = new JsonObject().put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, 'b')")
        .put("params", new JsonArray().add(new JsonArray().add(4)));
    assertThatThrownBy(() -> gateway.request(Addresses.BATCH, batch, READ))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertProblem(e, 403, "FORBIDDEN"));
    JsonObject transaction = new JsonObject().put("statements", new JsonArray().add(insert(5)));
    assertThatThrownBy(() -> gateway.request(Addresses.TRANSACTION, transaction, READ))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertProblem(e, 403, "FORBIDDEN"));
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void readKeyTransactionsAreReadOnlyWhateverTheyAskFor() throws SQLException {
    String tx = gateway.request(Addresses.TX_BEGIN, new JsonObject().put("readOnly", false), READ).getString("txId");
    JsonObject read = gateway.request(Addresses.QUERY,
        new JsonObject().put("sql", "SELECT name FROM " + table).put("txId", tx), READ);
    assertThat(read.getJsonArray("rows")).hasSize(1);
    assertThatThrownBy(() -> gateway.request(Addresses.QUERY, insert(2).put("txId", tx), READ))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertProblem(e, 403, "FORBIDDEN");
          assertThat(new JsonObject(e.getMessage()).getString("sqlState")).isEqualTo("25006");
        });
    assertThat(gateway.request(Addresses.TX_ROLLBACK, new JsonObject().put("txId", tx), READ).getString("status"))
        .isEqualTo("rolledBack");
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void readKeyReadsAndWriteKeyWrites() throws SQLException {
    JsonObject read = gateway.request(Addresses.QUERY, new JsonObject().put("sql", "SELECT name FROM " + table), READ);
    assertThat(read.getJsonArray("rows")).containsExactly(new JsonObject().put("name", "one"));
    JsonObject written = gateway.request(Addresses.QUERY, insert(9), WRITE);
    assertThat(written.getLong("updated")).isEqualTo(1);
    assertThat(rows()).isEqualTo(2);
  }
}
