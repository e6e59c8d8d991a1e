package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;

class MariaDbDataApiSdkTest extends DataApiSdkTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String typesTable(String table) {
    return "CREATE TABLE " + table + " (id INT PRIMARY KEY, b BOOLEAN, n BIGINT, d DOUBLE, amount DECIMAL(12,3),"
        + " s VARCHAR(100), ts DATETIME(3), dt DATE, tm TIME, u UUID, j JSON, bl BLOB)";
  }

  @Override
  protected String autoTable(String table) {
    return "CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50))";
  }

  @Override
  protected boolean generatesKeys() {
    return true;
  }

  @Override
  protected boolean hasYear() {
    return true;
  }
}
