package io.dbgateway.driver.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which statements the gateway wraps to keep multi-dimensional arrays, and how their values are nested again. */
class PgArrayColumnsTest {

  @Test
  void statementsThatReturnRowsAndCanStandInAWithAreWrapped() {
    for (String sql : new String[] {"SELECT a FROM t", "  (SELECT 1) UNION (SELECT 2);", "VALUES (ARRAY[[1]])", "TABLE t",
        "WITH x AS (SELECT 1) SELECT * FROM x", "WITH x AS (SELECT a FROM t FOR UPDATE) SELECT * FROM x",
        "INSERT INTO t VALUES ($1) RETURNING a", "UPDATE t SET a = $1 RETURNING a", "DELETE FROM t RETURNING *",
        "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2 RETURNING a", "SELECT 'DELETE' AS \"INSERT\""}) {
      assertThat(PgArrayColumns.wrappable(sql)).as(sql).isTrue();
    }
  }

  @Test
  void otherStatementsRunAsTheyAreAndSoDoesAWithThatWritesAnywhere() {
    for (String sql : new String[] {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "FETCH ALL FROM c",
        "EXECUTE p", "CALL proc()", "SHOW search_path", "EXPLAIN SELECT 1", "SELECT 1; SELECT 2",
        "WITH d AS (DELETE FROM t RETURNING a) SELECT * FROM d", "WITH x AS (SELECT 1) INSERT INTO t SELECT 1 RETURNING a",
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

  private static String nested(Object[] flat, String dimensions) {
    return Arrays.deepToString(PgArrayColumns.nested(flat, dimensions));
  }
}
