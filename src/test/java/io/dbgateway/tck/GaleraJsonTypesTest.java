package io.dbgateway.tck;

/** The type suite, unchanged, against a real 3-node Galera cluster through the gateway. */
class GaleraJsonTypesTest extends MariaDbJsonTypesTest {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
