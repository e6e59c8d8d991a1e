package io.dbgateway.tck;

import java.sql.SQLException;
import java.util.Map;

/**
 * Every attack of the read-only suite again, with {@code DB_READ_USER}: a read key's work runs as a
 * login that may only SELECT, and the same refusals hold (a privilege the login lacks is a 403 too).
 */
class PostgresReadOnlyKeyWithReadLoginTest extends PostgresReadOnlyKeyTest {

  static final String LOGIN = "gw_ro_suite_reader";
  static final String PASSWORD = "ro-suite-pass-0123";

  @Override
  protected Map<String, String> extraSettings() throws SQLException {
    engine().execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + LOGIN + "') THEN CREATE ROLE "
            + LOGIN + " LOGIN PASSWORD '" + PASSWORD + "'; END IF; END $$",
        "GRANT USAGE ON SCHEMA public TO " + LOGIN,
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + LOGIN,
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + LOGIN);
    return Map.of("DB_READ_USER", LOGIN, "DB_READ_PASS", PASSWORD);
  }
}
