package io.dbgateway.tck;

import io.dbgateway.testing.TestServers;
import java.sql.SQLException;
import java.util.Map;

/**
 * Every attack of the read-only suite again, with {@code DB_READ_USER}: a read key's work runs as a
 * login that may only SELECT, and the same refusals hold (a privilege the login lacks is a 403 too).
 */
class MariaDbReadOnlyKeyWithReadLoginTest extends MariaDbReadOnlyKeyTest {

  static final String LOGIN = "gw_ro_suite_reader";
  static final String PASSWORD = "ro-suite-pass-0123";

  @Override
  protected Map<String, String> extraSettings() throws SQLException {
    String database = TestServers.mariadb().database();
    for (String host : new String[] {"%", "localhost"}) {
      engine().execute("CREATE USER IF NOT EXISTS '" + LOGIN + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'",
          "GRANT SELECT ON `" + database + "`.* TO '" + LOGIN + "'@'" + host + "'");
    }
    return Map.of("DB_READ_USER", LOGIN, "DB_READ_PASS", PASSWORD);
  }

  /** MariaDB checks the login's privileges first: a write is "INSERT command denied" (42000, 1142). */
  @Override
  protected java.util.Set<String> refusalStates() {
    return java.util.Set.of("25006", "42000");
  }
}
