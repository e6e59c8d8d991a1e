package io.dbgateway.resilience;

import io.dbgateway.testing.ThrowawayPostgres;
import io.dbgateway.testing.ThrowawayServer;

class PostgresOutageTest extends OutageTck {

  @Override
  protected ThrowawayServer newServer() {
    return new ThrowawayPostgres();
  }

  @Override
  protected String dbType() {
    return "postgresql";
  }

  @Override
  protected String createWritesTable() {
    return "CREATE TABLE writes (id BIGSERIAL PRIMARY KEY, k VARCHAR(64) NOT NULL)";
  }
}
