package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;

class MariaDbDataApiClientsTest extends DataApiClientsTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String dialect() {
    return "mysql";
  }
}
