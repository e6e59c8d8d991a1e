package io.dbgateway.logging;

import io.dbgateway.tck.Engine;

class MariaDbSecretsNotLoggedTest extends SecretsNotLoggedTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String slowStatementWithParameter() {
    return "SELECT SLEEP(60), ? AS v";
  }
}
