package io.dbgateway.dataapi;

import io.dbgateway.tck.Engine;
import java.util.Map;

class SqliteDataApiSdkTest extends DataApiSdkTck {

  private static final Map<String, String> FILE = freshSqliteFile();

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  /** A file of its own: the suite's gateway has an API key, the shared SQLite gateway has none. */
  @Override
  protected Map<String, String> databaseEnv() {
    return FILE;
  }

  @Override
  protected String typesTable(String table) {
    return "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, b BOOLEAN, n BIGINT, d DOUBLE, amount DECIMAL(12,3),"
        + " s VARCHAR(100), ts TIMESTAMP, dt DATE, tm TIME, u UUID, j JSON, bl BLOB)";
  }

  @Override
  protected String autoTable(String table) {
    return "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50))";
  }

  @Override
  protected boolean generatesKeys() {
    return true;
  }
}
