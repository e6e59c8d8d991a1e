package io.dbgateway.logging;

import io.dbgateway.tck.Engine;

class GaleraSecretsNotLoggedTest extends SecretsNotLoggedTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }

  @Override
  protected String slowStatementWithParameter() {
    return "SELECT SLEEP(60), ? AS v";
  }
}
