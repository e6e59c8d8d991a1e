package io.dbgateway.tck;

import java.sql.SQLException;
import java.sql.Statement;

class MariaDbReadLoginTest extends ReadLoginTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected void grantReadOnly(Statement admin, String table) throws SQLException {
    admin.execute("CREATE USER IF NOT EXISTS '" + READER + "'@'%' IDENTIFIED BY '" + READER_PASS + "'");
    admin.execute("CREATE USER IF NOT EXISTS '" + READER + "'@'localhost' IDENTIFIED BY '" + READER_PASS + "'");
    admin.execute("GRANT SELECT ON " + table + " TO '" + READER + "'@'%'");
    admin.execute("GRANT SELECT ON " + table + " TO '" + READER + "'@'localhost'");
  }

  @Override
  protected String currentUser() {
    return "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS u";
  }
}
