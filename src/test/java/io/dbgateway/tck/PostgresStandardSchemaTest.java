package io.dbgateway.tck;

import java.util.List;

class PostgresStandardSchemaTest extends StandardSchemaTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  /** SQLAlchemy's {@code create_all} with its PostgreSQL dialect. */
  @Override
  protected List<String> standardCreateAll() {
    return sqlAlchemyCreateAll("SERIAL NOT NULL", "BOOLEAN DEFAULT true NOT NULL", "TIMESTAMP WITHOUT TIME ZONE");
  }
}
