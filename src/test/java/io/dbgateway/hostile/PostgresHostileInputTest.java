package io.dbgateway.hostile;

import io.dbgateway.tck.Engine;

class PostgresHostileInputTest extends HostileInputTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
