package io.dbgateway.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lexical guard reads a statement's first words the way the database does. */
class ReadOnlyGuardTest {

  private static final Set<String> REFUSED = Set.of("BEGIN", "START", "COMMIT", "SET", "CREATE TEMPORARY");

  private static final ReadOnlyGuard PG = new ReadOnlyGuard(SqlSyntax.POSTGRESQL, REFUSED);
  private static final ReadOnlyGuard MY = new ReadOnlyGuard(SqlSyntax.MYSQL, REFUSED);
  private static final ReadOnlyGuard LITE = new ReadOnlyGuard(SqlSyntax.SQLITE, REFUSED);

  @ParameterizedTest
  @ValueSource(strings = {
      "COMMIT", "commit", "  Commit;", "/* hidden */ COMMIT", "-- hidden\nCOMMIT", "SELECT 1; COMMIT",
      "SELECT ';'; COMMIT", "(COMMIT)", "set transaction read write", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
      "start transaction", "BEGIN", "create  /* x */ temporary table t (a int)"})
  void refusesOnEveryEngine(String sql) {
    assertThat(PG.refusal(sql)).as(sql).isPresent();
    assertThat(MY.refusal(sql)).as(sql).isPresent();
    assertThat(LITE.refusal(sql)).as(sql).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'COMMIT'", "SELECT 1 -- ; COMMIT", "SELECT 1 /* ; COMMIT */", "SELECT settings, begins FROM t",
      "WITH x AS (SELECT 1) SELECT * FROM x", "SELECT * FROM t WHERE a = 'x;COMMIT'", "SELECT 1;", "",
      "CREATE TABLE t (a int)", "SELECT temporary FROM create_t", "UPDATE t SET a = 1"})
  void letsOtherStatementsThroughOnEveryEngine(String sql) {
    assertThat(PG.refusal(sql)).as(sql).isEmpty();
    assertThat(MY.refusal(sql)).as(sql).isEmpty();
    assertThat(LITE.refusal(sql)).as(sql).isEmpty();
  }

  @Test
  void namesTheRefusedBeginning() {
    assertThat(PG.refusal("/* x */ Create Temporary Table t (a int)")).contains("CREATE TEMPORARY");
    assertThat(PG.refusal("select 1; set role admin")).contains("SET");
  }

  @Test
  void mySqlRunsTheBodyOfExecutableComments() {
    assertThat(MY.refusal("/*!COMMIT*/")).contains("COMMIT");
    assertThat(MY.refusal("/*!50000 SET autocommit = 1 */")).contains("SET");
    assertThat(MY.refusal("/*M!100100 COMMIT */")).contains("COMMIT");
    assertThat(MY.refusal("SELECT 1 /*!; COMMIT */")).contains("COMMIT");
    // Elsewhere they are plain comments.
    assertThat(PG.refusal("/*!COMMIT*/ SELECT 1")).isEmpty();
    assertThat(LITE.refusal("/*!COMMIT*/ SELECT 1")).isEmpty();
  }

  @Test
  void postgresDollarQuotesNestedCommentsAndQuotedIdentifiersAreNotCode() {
    assertThat(PG.refusal("SELECT $$; COMMIT$$")).isEmpty();
    assertThat(PG.refusal("SELECT $tag$; COMMIT $tag$")).isEmpty();
    assertThat(PG.refusal("/* outer /* inner */ COMMIT */ SELECT 1")).isEmpty();
    assertThat(PG.refusal("/* outer /* inner */ still comment */ COMMIT")).contains("COMMIT");
    assertThat(PG.refusal("SELECT \"a;COMMIT\" FROM t")).isEmpty();
    assertThat(PG.refusal("SELECT E'it\\'s; COMMIT'")).isEmpty();
  }

  @Test
  void mySqlHashCommentsBackticksAndBackslashEscapes() {
    assertThat(MY.refusal("SELECT 1 # ; COMMIT")).isEmpty();
    assertThat(MY.refusal("# hidden\nCOMMIT")).contains("COMMIT");
    assertThat(MY.refusal("SELECT `a;COMMIT` FROM t")).isEmpty();
    assertThat(MY.refusal("SELECT 'it\\'s; COMMIT'")).isEmpty();
    assertThat(MY.refusal("SELECT \"x; COMMIT\"")).isEmpty();
    // MySQL does not nest block comments: the first */ ends it.
    assertThat(MY.refusal("/* outer /* inner */ COMMIT */")).contains("COMMIT");
  }

  private static final ReadOnlyGuard MY_LOCKS =
      new ReadOnlyGuard(SqlSyntax.MYSQL, REFUSED, Set.of("LOCK IN SHARE MODE", "FOR SHARE"));

  @ParameterizedTest
  @ValueSource(strings = {"SELECT * FROM t LOCK IN SHARE MODE", "select id from t where id = 1 for share",
      "SELECT 1 FROM (SELECT id FROM t /* x */ lock  in share\nmode) s", "SELECT 1; SELECT id FROM t FOR SHARE",
      "SELECT id FROM t /*! FOR SHARE */"})
  void refusesALockingPhraseAnywhereInAStatement(String sql) {
    assertThat(MY_LOCKS.refusal(sql)).as(sql).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT 'LOCK IN SHARE MODE' FROM t", "SELECT for_share, `for share` FROM t",
      "SELECT id FROM t -- FOR SHARE", "SELECT id FROM t WHERE mode = 1"})
  void aLockingPhraseInAStringOrANameIsNoLock(String sql) {
    assertThat(MY_LOCKS.refusal(sql)).as(sql).isEmpty();
  }
}
