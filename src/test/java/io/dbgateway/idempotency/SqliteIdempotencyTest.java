package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

class SqliteIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
