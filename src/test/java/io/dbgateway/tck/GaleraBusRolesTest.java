package io.dbgateway.tck;

class GaleraBusRolesTest extends BusRolesTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
