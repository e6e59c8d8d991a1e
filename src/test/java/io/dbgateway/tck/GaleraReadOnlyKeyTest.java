package io.dbgateway.tck;

/** Galera is MariaDB: the same ways around read-only, through the gateway's Galera routing. */
class GaleraReadOnlyKeyTest extends MySqlReadOnlyKeyTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
