package io.dbgateway.tck;

/** Galera is MariaDB: the same session changes, reset on every node the gateway's routing uses. */
class GaleraSessionResetTest extends MySqlSessionResetTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
