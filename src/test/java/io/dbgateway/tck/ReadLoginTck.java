package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code DB_READ_USER}: a read key's work runs on pools that log in as a read-only login, so the
 * database's privileges, not the gateway's lexer, decide what it may do; a write key's work still runs
 * as {@code DB_USER}. A wrong read login stops start-up with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadLoginTck {

  static final String READER = "gw_reader";
  static final String READER_PASS = "reader-pass-0123";
  static final String WRITE = "read-login-write-secret-0123";
  static final String READ = "read-login-read-secret-0123";

  protected abstract Engine engine();

  /** Creates the read-only login (idempotently) and lets it read {@code table}. */
  protected abstract void grantReadOnly(Statement admin, String table) throws SQLException;

  /** A query naming the login the session runs as, in a column {@code u}. */
  protected abstract String currentUser();

  protected GatewayUnderTest gateway;
  protected String table;

  @BeforeAll
  void start() throws SQLException {
    table = Engine.uniqueTable("readlogin");
    try (Connection admin = engine().jdbc(); Statement s = admin.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
      s.execute("INSERT INTO " + table + " (id) VALUES (1)");
      grantReadOnly(s, table);
    }
    gateway = GatewayUnderTest.start(env(READER_PASS));
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  protected Map<String, String> env(String readerPassword) {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("GATEWAY_API_KEYS", "w:write:" + WRITE + ",r:read:" + READ);
    env.put("DB_READ_USER", READER);
    env.put("DB_READ_PASS", readerPassword);
    return env;
  }

  protected Response as(String secret, JsonObject body) {
    return gateway.post("/v1/query", body, Map.of("Authorization", "Bearer " + secret));
  }

  @Test
  void aReadKeyRunsAsTheReadLoginAndAWriteKeyAsDbUser() {
    Response read = as(READ, new JsonObject().put("sql", currentUser()));
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.json().getJsonArray("rows").getJsonObject(0).getString("u")).isEqualTo(READER);
    Response write = as(WRITE, new JsonObject().put("sql", currentUser()));
    assertThat(write.status()).as(write.body()).isEqualTo(200);
    assertThat(write.json().getJsonArray("rows").getJsonObject(0).getString("u"))
        .isEqualTo(engine().env().get("DB_USER"));
    Response rows = as(READ, new JsonObject().put("sql", "SELECT id FROM " + table));
    assertThat(rows.status()).as(rows.body()).isEqualTo(200);
    assertThat(rows.json().getJsonArray("rows")).hasSize(1);
  }

  @Test
  void aReadLoginThatCannotLogInStopsStartUpWithItsReason() {
    assertThatThrownBy(() -> GatewayUnderTest.start(env("not-the-password")).close())
        .hasMessageContaining("DB_READ_USER could not log in");
  }
}
