package io.dbgateway.tck;

/** The streaming suite, unchanged, against a real 3-node Galera cluster through the gateway. */
class GaleraStreamingTest extends MariaDbStreamingTest {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
