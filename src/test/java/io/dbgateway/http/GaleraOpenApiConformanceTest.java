package io.dbgateway.http;

import io.dbgateway.tck.Engine;

class GaleraOpenApiConformanceTest extends OpenApiConformanceTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}
