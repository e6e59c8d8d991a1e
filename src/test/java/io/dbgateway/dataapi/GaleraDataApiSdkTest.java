package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;

/** The Data API on a real Galera cluster (run by the lead only: the cluster uses fixed ports). */
class GaleraDataApiSdkTest extends MariaDbDataApiSdkTest {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
