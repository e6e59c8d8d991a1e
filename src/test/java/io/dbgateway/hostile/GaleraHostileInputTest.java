package io.dbgateway.hostile;

import io.dbgateway.tck.Engine;

class GaleraHostileInputTest extends HostileInputTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
