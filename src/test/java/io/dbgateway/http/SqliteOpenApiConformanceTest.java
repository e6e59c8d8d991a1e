package io.dbgateway.http;

import io.dbgateway.tck.Engine;

class SqliteOpenApiConformanceTest extends OpenApiConformanceTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }
}
