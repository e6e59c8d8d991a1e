package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The retry suite where the database counts the attempts itself: a stored function takes the next value
 * of a sequence (which survives a rollback) and raises the error while that value is at most the number
 * of failures wanted, so every attempt leaves its mark.
 */
public abstract class SequenceRetryTck extends RetryTck {

  /** An error the function raises: its SQLSTATE and, on MySQL, its error number (0 where there is none). */
  protected record ProvokedError(String sqlState, int errorNumber) {}

  /** The serialization failure, which every engine retries. */
  protected abstract ProvokedError serializationFailure();

  /** A second error this engine retries (a deadlock, a lock wait timeout). */
  protected abstract ProvokedError alsoRetryable();

  /** An error the function can raise that is not one to retry. */
  protected abstract ProvokedError notRetryable();

  /**
   * The statements that create {@code sequence} and {@code function}: the function takes the sequence's
   * next value {@code n}, raises {@code error} while {@code n <= failures}, and returns {@code n}.
   */
  protected abstract List<String> failingFunction(String function, String sequence, int failures, ProvokedError error);

  /** A query answering how many values {@code sequence} has handed out. */
  protected abstract String valuesHandedOut(String sequence);

  @Override
  protected Flaky flaky(int failures, RetryLog log) throws SQLException {
    return failing(failures, serializationFailure());
  }

  protected Flaky failing(int failures, ProvokedError error) throws SQLException {
    String sequence = Engine.uniqueTable("attempts");
    String function = Engine.uniqueTable("flaky");
    for (String statement : failingFunction(function, sequence, failures, error)) {
      execute(statement);
    }
    return new Flaky() {
      @Override
      public String statement() {
        return "SELECT " + function + "() AS attempt";
      }

      @Override
      public int attempts() throws SQLException {
        return (int) queryLong(valuesHandedOut(sequence));
      }
    };
  }

  @Test
  void theEnginesOtherRetryableErrorIsRetriedToo() throws Exception {
    Flaky flaky = failing(2, alsoRetryable());
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getJsonArray("rows").getJsonObject(0).getLong("attempt")).isEqualTo(3);
    assertThat(flaky.attempts()).isEqualTo(3);
    assertThat(log.retries()).hasSize(2);
  }

  @Test
  void anErrorNotToRetryIsAnsweredAtOnce() throws Exception {
    ProvokedError error = notRetryable();
    Flaky flaky = failing(1, error);
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("sqlState")).isEqualTo(error.sqlState());
    if (error.errorNumber() != 0) {
      assertThat(r.json().getInteger("dbCode")).isEqualTo(error.errorNumber());
    }
    assertThat(flaky.attempts()).isEqualTo(1);
    assertThat(log.retries()).isEmpty();
  }
}
