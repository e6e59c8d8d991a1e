package io.dbgateway.tck;

/** The pool suite against a real 3-node Galera cluster: the limits hold per node. */
class GaleraPoolTest extends PoolTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
