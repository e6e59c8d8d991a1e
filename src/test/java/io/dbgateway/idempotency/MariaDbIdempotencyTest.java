package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

class MariaDbIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String slowStatement(double seconds) {
    return String.format(java.util.Locale.ROOT, "SELECT SLEEP(%.2f) AS slept", seconds);
  }
}
