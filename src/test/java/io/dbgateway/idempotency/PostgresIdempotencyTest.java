package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

class PostgresIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
