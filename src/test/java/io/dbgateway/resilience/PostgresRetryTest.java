package io.dbgateway.resilience;

import io.dbgateway.tck.Engine;
import java.util.List;

/** PostgreSQL: a PL/pgSQL function raises the error with {@code RAISE ... USING ERRCODE}. */
class PostgresRetryTest extends SequenceRetryTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected ProvokedError serializationFailure() {
    return new ProvokedError("40001", 0);
  }

  @Override
  protected ProvokedError alsoRetryable() {
    return new ProvokedError("40P01", 0); // deadlock_detected
  }

  @Override
  protected ProvokedError notRetryable() {
    return new ProvokedError("P0001", 0); // a plain RAISE EXCEPTION
  }

  @Override
  protected List<String> failingFunction(String function, String sequence, int failures, ProvokedError error) {
    return List.of("CREATE SEQUENCE " + sequence,
        "CREATE FUNCTION " + function + "() RETURNS bigint LANGUAGE plpgsql AS $$\n"
            + "DECLARE n bigint := nextval('" + sequence + "');\n"
            + "BEGIN\n"
            + "  IF n <= " + failures + " THEN\n"
            + "    RAISE EXCEPTION 'provoked failure on attempt %', n USING ERRCODE = '" + error.sqlState() + "';\n"
            + "  END IF;\n"
            + "  RETURN n;\n"
            + "END $$");
  }

  @Override
  protected String valuesHandedOut(String sequence) {
    return "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence;
  }
}
