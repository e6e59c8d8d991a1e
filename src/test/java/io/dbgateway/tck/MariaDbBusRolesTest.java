package io.dbgateway.tck;

class MariaDbBusRolesTest extends BusRolesTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
