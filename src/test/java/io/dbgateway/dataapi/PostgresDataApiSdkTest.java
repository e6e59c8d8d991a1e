package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;

class PostgresDataApiSdkTest extends DataApiSdkTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String typesTable(String table) {
    return "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, b BOOLEAN, n BIGINT, d DOUBLE PRECISION,"
        + " amount NUMERIC(12,3), s VARCHAR(100), ts TIMESTAMP(3), dt DATE, tm TIME, u UUID, j JSONB, bl BYTEA)";
  }

  @Override
  protected String autoTable(String table) {
    return "CREATE TABLE " + table + " (id SERIAL PRIMARY KEY, name VARCHAR(50))";
  }

  @Override
  protected boolean generatesKeys() {
    return false;
  }

  @Override
  protected boolean hasArrays() {
    return true;
  }
}
