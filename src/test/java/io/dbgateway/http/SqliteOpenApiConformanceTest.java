package io.dbgateway.http;

import io.dbgateway.tck.Engine;

class SqliteOpenApiConformanceTest extends OpenApiConformanceTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String failsAfterManyRows() {
    return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 60000)"
        + " SELECT CASE WHEN x = 50000 THEN abs(-9223372036854775808) ELSE x END AS v FROM n";
  }
}
