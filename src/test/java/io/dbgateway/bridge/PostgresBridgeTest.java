package io.dbgateway.bridge;

import io.dbgateway.tck.Engine;

class PostgresBridgeTest extends BridgeTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
