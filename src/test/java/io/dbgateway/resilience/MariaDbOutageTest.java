package io.dbgateway.resilience;

import io.dbgateway.testing.ThrowawayMariaDb;
import io.dbgateway.testing.ThrowawayServer;

class MariaDbOutageTest extends OutageTck {

  @Override
  protected ThrowawayServer newServer() {
    return new ThrowawayMariaDb();
  }

  @Override
  protected String dbType() {
    return "mariadb";
  }

  @Override
  protected String createWritesTable() {
    return "CREATE TABLE writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL) ENGINE=InnoDB";
  }
}
