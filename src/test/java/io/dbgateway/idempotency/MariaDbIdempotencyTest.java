package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

class MariaDbIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
