package io.dbgateway.resilience;

import io.dbgateway.tck.Engine;

/** The retry suite against a real 3-node Galera cluster: the function and its sequence live on every node. */
class GaleraRetryTest extends MySqlRetryTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
