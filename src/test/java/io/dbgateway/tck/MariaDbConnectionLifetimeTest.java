package io.dbgateway.tck;

class MariaDbConnectionLifetimeTest extends ConnectionLifetimeTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String connectionIdQuery() {
    return "SELECT CONNECTION_ID() AS id";
  }
}
