package io.dbgateway.bridge;

import io.dbgateway.tck.Engine;

class SqliteBridgeTest extends BridgeTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
