package io.dbgateway.http;

import io.dbgateway.tck.Engine;

class PostgresOpenApiConformanceTest extends OpenApiConformanceTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }
}
