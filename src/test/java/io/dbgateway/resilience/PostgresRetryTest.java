package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: a PL/pgSQL function raises the error itself while a sequence (whose {@code nextval}
 * survives a rollback) is below the number of failures wanted, so every attempt is counted.
 */
class PostgresRetryTest extends RetryTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected Flaky flaky(int failures, RetryLog log) throws SQLException {
    return failing(failures, "40001");
  }

  private Flaky failing(int failures, String sqlState) throws SQLException {
    String sequence = Engine.uniqueTable("attempts");
    String function = Engine.uniqueTable("flaky");
    execute("CREATE SEQUENCE " + sequence);
    execute("CREATE FUNCTION " + function + "() RETURNS bigint LANGUAGE plpgsql AS $$\n"
        + "DECLARE n bigint := nextval('" + sequence + "');\n"
        + "BEGIN\n"
        + "  IF n <= " + failures + " THEN\n"
        + "    RAISE EXCEPTION 'provoked failure on attempt %', n USING ERRCODE = '" + sqlState + "';\n"
        + "  END IF;\n"
        + "  RETURN n;\n"
        + "END $$");
    return new Flaky() {
      @Override
      public String statement() {
        return "SELECT " + function + "() AS attempt";
      }

      @Override
      public int attempts() throws SQLException {
        return (int) queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence);
      }
    };
  }

  @Test
  void aDeadlockIsRetriedToo() throws Exception {
    Flaky flaky = failing(2, "40P01");
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows").getJsonObject(0).getLong("attempt")).isEqualTo(3);
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(log.retries()).hasSize(2);
  }

  @Test
  void anErrorOutsideTheTableIsNotRetried() throws Exception {
    Flaky flaky = failing(1, "P0001"); // a plain RAISE EXCEPTION
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("sqlState")).isEqualTo("P0001");
    assertThat(flaky.attempts()).isEqualTo(1);
    assertThat(log.retries()).isEmpty();
  }
}
