package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

class PostgresIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String slowStatement(double seconds) {
    return String.format(java.util.Locale.ROOT, "SELECT pg_sleep(%.2f)", seconds);
  }
}
