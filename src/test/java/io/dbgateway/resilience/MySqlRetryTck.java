package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MariaDB, alone or as Galera: a stored function {@code SIGNAL}s the error with its MySQL error number
 * while a {@code NOCACHE} sequence (one value per {@code NEXTVAL}, none lost to a cache) is low enough.
 */
public abstract class MySqlRetryTck extends SequenceRetryTck {

  @Override
  protected ProvokedError serializationFailure() {
    return new ProvokedError("40001", 1213); // ER_LOCK_DEADLOCK, also Galera's certification failure
  }

  @Override
  protected ProvokedError alsoRetryable() {
    return new ProvokedError("HY000", 1205); // ER_LOCK_WAIT_TIMEOUT
  }

  @Override
  protected ProvokedError notRetryable() {
    return new ProvokedError("45000", 1644); // a user-defined SIGNAL
  }

  @Override
  protected List<String> failingFunction(String function, String sequence, int failures, ProvokedError error) {
    return List.of("CREATE SEQUENCE " + sequence + " NOCACHE",
        "CREATE FUNCTION " + function + "() RETURNS BIGINT NOT DETERMINISTIC MODIFIES SQL DATA\n"
            + "BEGIN\n"
            + "  DECLARE n BIGINT;\n"
            + "  SET n = NEXTVAL(" + sequence + ");\n"
            + "  IF n <= " + failures + " THEN\n"
            + "    SIGNAL SQLSTATE '" + error.sqlState() + "' SET MYSQL_ERRNO = " + error.errorNumber()
            + ", MESSAGE_TEXT = 'provoked failure';\n"
            + "  END IF;\n"
            + "  RETURN n;\n"
            + "END");
  }

  @Override
  protected String valuesHandedOut(String sequence) {
    return "SELECT next_not_cached_value - 1 FROM " + sequence;
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
}
