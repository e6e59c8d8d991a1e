package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MariaDB: a stored function {@code SIGNAL}s the error (with its MySQL error number) while a sequence
 * (whose {@code NEXTVAL} survives a rollback) is below the number of failures wanted.
 */
class MariaDbRetryTest extends RetryTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected Flaky flaky(int failures, RetryLog log) throws SQLException {
    return failing(failures, "40001", 1213);
  }

  private Flaky failing(int failures, String sqlState, int errno) throws SQLException {
    String sequence = Engine.uniqueTable("attempts");
    String function = Engine.uniqueTable("flaky");
    execute("CREATE SEQUENCE " + sequence + " NOCACHE");
    execute("CREATE FUNCTION " + function + "() RETURNS BIGINT NOT DETERMINISTIC MODIFIES SQL DATA\n"
        + "BEGIN\n"
        + "  DECLARE n BIGINT;\n"
        + "  SET n = NEXTVAL(" + sequence + ");\n"
        + "  IF n <= " + failures + " THEN\n"
        + "    SIGNAL SQLSTATE '" + sqlState + "' SET MYSQL_ERRNO = " + errno + ", MESSAGE_TEXT = 'provoked failure';\n"
        + "  END IF;\n"
        + "  RETURN n;\n"
        + "END");
    return new Flaky() {
      @Override
      public String statement() {
        return "SELECT " + function + "() AS attempt";
      }

      @Override
      public int attempts() throws SQLException {
        return (int) queryLong("SELECT next_not_cached_value - 1 FROM " + sequence);
      }
    };
  }

  @Test
  void theDriverReportsTheDeadlocksErrorNumber() throws Exception {
    GatewayUnderTest once = ownGateway(Map.of("GATEWAY_RETRY_MAX_ATTEMPTS", "1"));
    try {
      Flaky flaky = flaky(1, log);
      Response r = once.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().getInteger("dbCode")).isEqualTo(1213);
      assertThat(r.json().getString("sqlState")).isEqualTo("40001");
    } finally {
      once.close();
    }
  }

  @Test
  void aLockWaitTimeoutIsRetriedToo() throws Exception {
    Flaky flaky = failing(1, "HY000", 1205);
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows").getJsonObject(0).getLong("attempt")).isEqualTo(2);
    assertThat(flaky.attempts()).isEqualTo(2);
    assertThat(log.retries()).hasSize(1);
  }

  @Test
  void aNodeThatRefusedTheStatementIsRetriedInATransaction() throws Exception {
    Flaky flaky = failing(1, "08S01", 1047); // WSREP has not yet prepared node for application use
    Response r = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(insert("refused")).add(new JsonObject().put("sql", flaky.statement()))));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(flaky.attempts()).isEqualTo(2);
    assertThat(count("name = 'refused'")).isEqualTo(1);
  }

  @Test
  void aNodeThatRefusedASingleStatementIsRetried() throws Exception {
    // 1047 is the server's answer that it did not run the statement: not an unknown outcome.
    Flaky flaky = failing(1, "08S01", 1047);
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(flaky.attempts()).isEqualTo(2);
  }

  @Test
  void anErrorOutsideTheTableIsNotRetried() throws Exception {
    Flaky flaky = failing(1, "45000", 1644); // a user-defined SIGNAL
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getInteger("dbCode")).isEqualTo(1644);
    assertThat(flaky.attempts()).isEqualTo(1);
    assertThat(log.retries()).isEmpty();
  }
}
