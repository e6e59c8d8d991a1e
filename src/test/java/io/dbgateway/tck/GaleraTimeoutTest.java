package io.dbgateway.tck;

/** The timeout suite against a real 3-node Galera cluster: no node keeps running the statement. */
class GaleraTimeoutTest extends TimeoutTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
