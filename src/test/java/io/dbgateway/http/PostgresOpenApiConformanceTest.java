package io.dbgateway.http;

import io.dbgateway.tck.Engine;

class PostgresOpenApiConformanceTest extends OpenApiConformanceTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String failsAfterManyRows() {
    return "SELECT 1 / (50000 - x) AS v FROM generate_series(1, 60000) x";
  }
}
