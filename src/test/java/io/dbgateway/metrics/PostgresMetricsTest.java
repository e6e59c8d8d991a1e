package io.dbgateway.metrics;

import io.dbgateway.tck.Engine;

class PostgresMetricsTest extends MetricsTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
