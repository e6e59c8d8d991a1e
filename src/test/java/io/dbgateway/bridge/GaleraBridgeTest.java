package io.dbgateway.bridge;

import io.dbgateway.tck.Engine;

class GaleraBridgeTest extends BridgeTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
