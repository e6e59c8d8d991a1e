package io.dbgateway.idempotency;

import io.dbgateway.tck.Engine;

/** The idempotency suite against a real 3-node Galera cluster, through the gateway's Galera routing. */
class GaleraIdempotencyTest extends IdempotencyTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
