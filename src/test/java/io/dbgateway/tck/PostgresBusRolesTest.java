package io.dbgateway.tck;

class PostgresBusRolesTest extends BusRolesTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
