package io.dbgateway.metrics;

import io.dbgateway.tck.Engine;

class SqliteMetricsTest extends MetricsTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
