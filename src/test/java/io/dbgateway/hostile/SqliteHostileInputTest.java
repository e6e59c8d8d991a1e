package io.dbgateway.hostile;

import io.dbgateway.tck.Engine;

class SqliteHostileInputTest extends HostileInputTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
