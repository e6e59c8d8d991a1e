package io.dbgateway.bridge;

import io.dbgateway.tck.Engine;

class MariaDbBridgeTest extends BridgeTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
