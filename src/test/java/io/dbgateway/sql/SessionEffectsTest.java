package io.dbgateway.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionEffectsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
      "INSERT INTO bench_mixed (k, v) VALUES ($1, $2)",
      "INSERT INTO public.t(k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
      "INSERT INTO \"T\" (k) VALUES ($1) RETURNING id",
      "UPDATE t SET v = coalesce(v, 0) + 1 WHERE id IN (1, 2)",
      "DELETE FROM t WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM u WHERE u.id = t.id)",
      "WITH x AS (SELECT count(*) AS n FROM t) SELECT n FROM x",
      "SELECT CAST(v AS DECIMAL(10, 2)), lower(name), now() FROM t ORDER BY id LIMIT 10",
      "SELECT 'set_config(''a'', ''b'', false)' AS text_only -- SET search_path\n",
      "select row_number() over (partition by k order by v) from t",
      "SELECT (a, b) FROM t WHERE (a, b) IN ((1, 2))",
      "SELECT 1; SELECT 2",
  })
  void plainStatementsLeaveNothingOnTheSession(String sql) {
    assertThat(SessionEffects.mayChangeSession(sql, SqlSyntax.POSTGRESQL)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET search_path TO pg_catalog",
      "  set application_name = 'x'",
      "SELECT set_config('application_name', 'x', false)",
      "SELECT pg_catalog.set_config('search_path', 'x', false)",
      "SELECT pg_advisory_lock(42)",
      "SELECT my_function()",
      "SELECT \"my function\"(1)",
      "SELECT * FROM my_rows(1)",
      "INSERT INTO t SELECT f(x) FROM u",
      "CREATE TEMP TABLE auth_user (id int)",
      "CREATE TABLE pg_temp.auth_user (id int)",
      "SELECT * INTO TEMPORARY t2 FROM t",
      "LISTEN channel",
      "PREPARE p AS SELECT 1",
      "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
      "BEGIN",
      "DO $$ BEGIN PERFORM 1; END $$",
      "SELECT 1; SET ROLE other",
      "RESET ALL",
      "CALL proc()",
  })
  void statementsThatMayChangeTheSessionAreSeen(String sql) {
    assertThat(SessionEffects.mayChangeSession(sql, SqlSyntax.POSTGRESQL)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT @x := 1",
      "SELECT 1 INTO @x",
      "SELECT GET_LOCK('x', 0)",
      "CREATE TEMPORARY TABLE auth_user (id INT)",
      "USE mysql",
      "/*!50000 SET sql_mode = '' */",
      "SELECT 1 /*! , GET_LOCK('x', 1) */",
      "LOCK TABLES t READ",
      "HANDLER t OPEN",
  })
  void mySqlSessionStateIsSeen(String sql) {
    assertThat(SessionEffects.mayChangeSession(sql, SqlSyntax.MYSQL)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT `v` FROM `t` WHERE id = ?",
      "INSERT INTO `t` (`k`, `v`) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)",
      "SELECT \"@x\", 'GET_LOCK(1)' FROM t /* @y */ # SET x",
      "SELECT id FROM t WHERE id = ? LOCK IN SHARE MODE",
  })
  void mySqlPlainStatementsAreNotFlagged(String sql) {
    assertThat(SessionEffects.mayChangeSession(sql, SqlSyntax.MYSQL)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"CREATE TEMP TABLE t (x)", "ATTACH DATABASE 'x.db' AS x", "PRAGMA foreign_keys = OFF",
      "CREATE TABLE temp.t (x)", "SELECT load_extension('x')"})
  void sqliteSessionStateIsSeen(String sql) {
    assertThat(SessionEffects.mayChangeSession(sql, SqlSyntax.SQLITE)).isTrue();
  }
}
