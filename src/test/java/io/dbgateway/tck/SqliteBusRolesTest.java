package io.dbgateway.tck;

class SqliteBusRolesTest extends BusRolesTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
