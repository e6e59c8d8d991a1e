package io.dbgateway.tck;

/** The query suite, unchanged, against a real 3-node Galera cluster through the gateway. */
class GaleraQueryTest extends QueryTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
