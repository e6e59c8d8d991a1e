package io.dbgateway.http;

import io.dbgateway.tck.Engine;

class MariaDbOpenApiConformanceTest extends OpenApiConformanceTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }
}
