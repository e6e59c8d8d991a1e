package io.dbgateway.tck;

import java.util.List;

class MariaDbStandardSchemaTest extends StandardSchemaTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  /** SQLAlchemy's {@code create_all} with its MySQL (the same for MariaDB) dialect. */
  @Override
  protected List<String> standardCreateAll() {
    return sqlAlchemyCreateAll("INTEGER NOT NULL AUTO_INCREMENT", "BOOL NOT NULL DEFAULT true", "DATETIME");
  }
}
