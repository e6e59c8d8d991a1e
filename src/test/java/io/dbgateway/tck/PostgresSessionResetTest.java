package io.dbgateway.tck;

import java.sql.SQLException;
import java.util.List;

class PostgresSessionResetTest extends SessionResetTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected void setUpDatabase() throws SQLException {
    engine().execute(
        "DO $$ BEGIN CREATE ROLE dbgw_other_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        "CREATE OR REPLACE FUNCTION dbgw_set_path() RETURNS text LANGUAGE plpgsql AS"
            + " $$ BEGIN PERFORM set_config('search_path', 'pg_catalog', false); RETURN 'done'; END $$");
  }

  @Override
  protected List<Change> sessionChanges() {
    return List.of(
        new Change("SET search_path", List.of("SET search_path TO pg_catalog"), "SELECT current_setting('search_path') AS v"),
        new Change("set_config", List.of("SELECT set_config('application_name', 'x', false)"),
            "SELECT current_setting('application_name') AS v"),
        new Change("statement_timeout", List.of("SET statement_timeout = 1"), "SELECT current_setting('statement_timeout') AS v"),
        new Change("a function that sets the path", List.of("SELECT dbgw_set_path()"),
            "SELECT current_setting('search_path') AS v"),
        new Change("SET ROLE", List.of("SET ROLE dbgw_other_role"), "SELECT current_user::text AS v"),
        new Change("SET SESSION AUTHORIZATION", List.of("SET SESSION AUTHORIZATION dbgw_other_role"),
            "SELECT session_user::text AS v"),
        new Change("advisory lock", List.of("SELECT pg_advisory_lock(7007)"),
            "SELECT count(*) AS v FROM pg_locks WHERE locktype = 'advisory' AND objid = 7007"),
        new Change("temporary table", List.of("CREATE TEMP TABLE dbgw_tmp (x int)"),
            "SELECT to_regclass('pg_temp.dbgw_tmp') IS NOT NULL AS v"),
        new Change("LISTEN", List.of("LISTEN dbgw_channel"), "SELECT count(*) AS v FROM pg_listening_channels()"),
        new Change("PREPARE", List.of("PREPARE dbgw_p AS SELECT 1"),
            "SELECT count(*) AS v FROM pg_prepared_statements WHERE from_sql"),
        new Change("cursor WITH HOLD", List.of("DECLARE dbgw_c CURSOR WITH HOLD FOR SELECT 1"),
            "SELECT count(*) AS v FROM pg_cursors"));
  }
}
