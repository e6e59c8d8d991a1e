package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;
import org.junit.jupiter.api.Test;

class PostgresDataApiClientsTest extends DataApiClientsTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String dialect() {
    return "postgres";
  }

  /** Drizzle's {@code aws-data-api} driver exists for PostgreSQL only. */
  @Test
  void drizzleOrmsAwsDataApiPgDriverRunsUnchanged() throws Exception {
    assertClientChecksPass("drizzle-aws-data-api-pg.mjs");
  }
}
