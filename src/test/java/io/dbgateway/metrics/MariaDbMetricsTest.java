package io.dbgateway.metrics;

import io.dbgateway.tck.Engine;

class MariaDbMetricsTest extends MetricsTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
