package io.dbgateway.hostile;

import io.dbgateway.tck.Engine;

class MariaDbHostileInputTest extends HostileInputTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
