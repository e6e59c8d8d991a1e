package io.dbgateway.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.sql.SqlSyntax;
import io.dbgateway.sql.SqlWords;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which statements the gateway wraps to keep multi-dimensional arrays, and how their values are nested again. */
class PgArrayColumnsTest {

  @Test
  void statementsThatReturnRowsAndCanStandInAWithAreWrapped() {
    for (String sql : new String[] {"SELECT a FROM t", "  (SELECT 1) UNION (SELECT 2);", "VALUES (ARRAY[[1]])", "TABLE t",
        "WITH x AS (SELECT 1) SELECT * FROM x", "WITH x AS (SELECT a FROM t FOR UPDATE) SELECT * FROM x",
        "INSERT INTO t VALUES ($1) RETURNING a", "UPDATE t SET a = $1 RETURNING a", "DELETE FROM t RETURNING *",
        "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2 RETURNING a", "SELECT 'DELETE' AS \"INSERT\"",
        "WITH d AS (DELETE FROM t RETURNING a) SELECT * FROM d", "WITH x AS (SELECT 1) INSERT INTO t SELECT 1 RETURNING a"}) {
      assertThat(PgArrayColumns.wrappable(sql)).as(sql).isTrue();
    }
  }

  @Test
  void otherStatementsAreNotWrapped() {
    for (String sql : new String[] {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "FETCH ALL FROM c",
        "EXECUTE p", "CALL proc()", "SHOW search_path", "EXPLAIN SELECT 1", "SELECT 1; SELECT 2",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "CREATE TABLE t (a int[])", ""}) {
      assertThat(PgArrayColumns.wrappable(sql)).as(sql).isFalse();
    }
  }

  @Test
  void aFlatArrayIsNestedByItsDimensionsInRowMajorOrder() {
    Object[] flat = {1, 2, 3, 4, 5, 6};
    assertThat(nested(flat, "[1:2][1:3]")).isEqualTo("[[1, 2, 3], [4, 5, 6]]");
    assertThat(nested(flat, "[0:2][5:6]")).isEqualTo("[[1, 2], [3, 4], [5, 6]]");
    assertThat(nested(flat, "[1:1][1:2][1:3]")).isEqualTo("[[[1, 2, 3], [4, 5, 6]]]");
    assertThat(nested(new Object[] {null, "a"}, "[-1:0][1:1]")).isEqualTo("[[null], [a]]");
    assertThatThrownBy(() -> PgArrayColumns.nested(flat, "[1:2][1:2]")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aWithThatWritesIsAReadOrAWriteByWhetherAnyOfItsPartsWrites() {
    assertThat(PgArrayColumns.kind("WITH x AS (SELECT a FROM t FOR UPDATE) SELECT * FROM x")).isEqualTo(PgArrayColumns.Kind.READ);
    assertThat(PgArrayColumns.kind("WITH d AS (DELETE FROM t RETURNING a) SELECT * FROM d")).isEqualTo(PgArrayColumns.Kind.WRITE);
    assertThat(PgArrayColumns.kind("SELECT a FROM t")).isEqualTo(PgArrayColumns.Kind.READ);
    assertThat(PgArrayColumns.kind("UPDATE t SET a = 1 RETURNING a")).isEqualTo(PgArrayColumns.Kind.WRITE);
    assertThat(PgArrayColumns.kind("DECLARE c NO SCROLL CURSOR WITH HOLD FOR SELECT a FROM t")).isEqualTo(PgArrayColumns.Kind.CURSOR);
    assertThat(PgArrayColumns.kind("DECLARE c CURSOR FOR VALUES (ARRAY[[1]])")).isEqualTo(PgArrayColumns.Kind.CURSOR);
    for (String sql : new String[] {"FETCH ALL FROM c", "EXECUTE p(1)", "CALL proc(NULL)",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING t.a"}) {
      assertThat(PgArrayColumns.kind(sql)).as(sql).isEqualTo(PgArrayColumns.Kind.UNWRAPPABLE);
    }
  }

  @Test
  void theQueryOfAWithStartsAfterItsLastCommonTableExpression() {
    assertThat(queryOf("WITH d AS (DELETE FROM t RETURNING a) SELECT * FROM d")).isEqualTo("SELECT * FROM d");
    assertThat(queryOf("with recursive r(n) as (select 1 union all select n + 1 from r), \"update\" as materialized"
        + " (update t set a = 1 returning a) select * from r, \"update\"")).isEqualTo("select * from r, \"update\"");
    assertThat(queryOf("WITH d AS NOT MATERIALIZED (DELETE FROM t RETURNING a) (SELECT a FROM d) UNION (SELECT 1)"))
        .isEqualTo("(SELECT a FROM d) UNION (SELECT 1)");
    assertThat(queryOf("WITH /* SELECT */ x AS (SELECT ')') , y AS (SELECT 2) INSERT INTO t SELECT * FROM x RETURNING a"))
        .isEqualTo("INSERT INTO t SELECT * FROM x RETURNING a");
    assertThat(queryOf("WITH r AS (SELECT 1 AS n) SEARCH DEPTH FIRST BY n SET o DELETE FROM t RETURNING a"))
        .isEqualTo("DELETE FROM t RETURNING a");
    assertThat(SqlWords.withQueryStart("WITH x AS (SELECT 1)", SqlSyntax.POSTGRESQL)).isEqualTo(-1);
  }

  @Test
  void theTextOfAnArrayIsReadAsNestedElementTexts() {
    assertThat(parsed("{{sad,ok},{happy,NULL}}")).isEqualTo("[[sad, ok], [happy, null]]");
    assertThat(parsed("[0:1][5:5]={{1},{2}}")).isEqualTo("[[1], [2]]");
    assertThat(parsed("{\"(1,\\\"a,b\\\")\",\"NULL\",\"\",\"x\\\\y\"}")).isEqualTo("[(1,\"a,b\"), NULL, , x\\y]");
    assertThat(parsed("{}")).isEqualTo("[]");
    assertThat(parsed("{{{7}},{{8}}}")).isEqualTo("[[[7]], [[8]]]");
    for (String notAnArray : new String[] {"1 2", "{a", "{a}b", "[1:2]", "(1,2)", "", "{{a}", "{\"a}"}) {
      assertThat(PgArrayText.parse(notAnArray)).as(notAnArray).isNull();
    }
  }

  private static String queryOf(String sql) {
    return sql.substring(SqlWords.withQueryStart(sql, SqlSyntax.POSTGRESQL));
  }

  private static String parsed(String text) {
    return Arrays.deepToString(PgArrayText.parse(text));
  }

  private static String nested(Object[] flat, String dimensions) {
    return Arrays.deepToString(PgArrayColumns.nested(flat, dimensions));
  }
}
