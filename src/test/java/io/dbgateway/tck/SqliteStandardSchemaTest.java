package io.dbgateway.tck;

import java.util.List;

class SqliteStandardSchemaTest extends StandardSchemaTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  /** SQLAlchemy's {@code create_all} with its SQLite dialect. */
  @Override
  protected List<String> standardCreateAll() {
    return sqlAlchemyCreateAll("INTEGER NOT NULL", "BOOLEAN DEFAULT (1) NOT NULL", "DATETIME");
  }
}
