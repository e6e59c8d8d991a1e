package io.dbgateway.metrics;

import io.dbgateway.tck.Engine;

/** Operation metrics on Galera; its node and writer metrics: {@code galera/GaleraMetricsTest}. */
class GaleraMetricsTest extends MetricsTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
