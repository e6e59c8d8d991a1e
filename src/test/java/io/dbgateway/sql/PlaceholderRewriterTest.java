package io.dbgateway.sql;

import static io.dbgateway.sql.SqlSyntax.MYSQL;
import static io.dbgateway.sql.SqlSyntax.POSTGRESQL;
import static io.dbgateway.sql.SqlSyntax.SQLITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaceholderRewriterTest {

  private static String pg(String sql) {
    return PlaceholderRewriter.parse(sql, POSTGRESQL).sql();
  }

  private static String my(String sql) {
    return PlaceholderRewriter.parse(sql, MYSQL).sql();
  }

  private static String lite(String sql) {
    return PlaceholderRewriter.parse(sql, SQLITE).sql();
  }

  private static int count(String sql, SqlSyntax syntax) {
    return PlaceholderRewriter.parse(sql, syntax).placeholderCount();
  }

  private static void assertBadRequest(Runnable action, String message) {
    assertThatThrownBy(action::run)
        .isInstanceOf(GatewayException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Nested
  class PostgreSql {

    @Test
    void numbersQuestionMarks() {
      ParsedStatement s = PlaceholderRewriter.parse("SELECT * FROM t WHERE a = ? AND b > ?", POSTGRESQL);
      assertThat(s.sql()).isEqualTo("SELECT * FROM t WHERE a = $1 AND b > $2");
      assertThat(s.named()).isFalse();
      assertThat(s.placeholderCount()).isEqualTo(2);
      assertThat(s.parameterNames()).containsExactly("?", "?");
    }

    @Test
    void reusesTheNumberOfARepeatedName() {
      ParsedStatement s =
          PlaceholderRewriter.parse("SELECT :id, :name, :id, :other_1", POSTGRESQL);
      assertThat(s.sql()).isEqualTo("SELECT $1, $2, $1, $3");
      assertThat(s.named()).isTrue();
      assertThat(s.parameterNames()).containsExactly("id", "name", "id", "other_1");
      assertThat(s.placeholderCount()).isEqualTo(4);
      assertThat(s.bind(new JsonObject().put("id", 7).put("name", "n").put("other_1", true)))
          .containsExactly(7, "n", true);
    }

    @Test
    void leavesNativeDollarParametersAloneAndUncounted() {
      ParsedStatement s = PlaceholderRewriter.parse("SELECT $1, $12 FROM t", POSTGRESQL);
      assertThat(s.sql()).isEqualTo("SELECT $1, $12 FROM t");
      assertThat(s.placeholderCount()).isZero();
    }

    @Test
    void nativeDollarParameterIsNoDollarQuoteTag() {
      assertThat(pg("SELECT $1, ?, $1")).isEqualTo("SELECT $1, $1, $1");
      assertThat(count("SELECT $1, ?, $1", POSTGRESQL)).isEqualTo(1);
    }

    @Test
    void skipsDollarQuotedStrings() {
      assertThat(pg("SELECT $$ ? :x $1 'a $$, ?")).isEqualTo("SELECT $$ ? :x $1 'a $$, $1");
      assertThat(pg("DO $fn$ BEGIN ? :x $$ ? $$ END $fn$; SELECT :y"))
          .isEqualTo("DO $fn$ BEGIN ? :x $$ ? $$ END $fn$; SELECT $1");
      assertThat(pg("SELECT $a_1$?$a_1$ || ?")).isEqualTo("SELECT $a_1$?$a_1$ || $1");
    }

    @Test
    void dollarInsideAnIdentifierIsNoQuote() {
      assertThat(pg("SELECT a$b$, ? FROM t$$")).isEqualTo("SELECT a$b$, $1 FROM t$$");
      assertThat(pg("SELECT 1 $ ?")).isEqualTo("SELECT 1 $ $1");
    }

    @Test
    void nestsBlockComments() {
      assertThat(pg("/* outer /* inner ? */ still ? :x */ ?")).isEqualTo("/* outer /* inner ? */ still ? :x */ $1");
    }

    @Test
    void standardStringsHaveNoBackslashEscapes() {
      assertThat(pg("SELECT 'a\\', ?")).isEqualTo("SELECT 'a\\', $1");
      assertThat(pg("SELECT 'it''s ?', ?")).isEqualTo("SELECT 'it''s ?', $1");
    }

    @Test
    void escapeStringsHaveBackslashEscapes() {
      assertThat(pg("SELECT E'it\\'s ? :x', ?")).isEqualTo("SELECT E'it\\'s ? :x', $1");
      assertThat(pg("SELECT e'\\\\', ?")).isEqualTo("SELECT e'\\\\', $1");
      // Only a bare E prefixes an escape string; "name" followed by a string is something else.
      assertThat(pg("SELECT typE'a\\', ?")).isEqualTo("SELECT typE'a\\', $1");
    }

    @Test
    void skipsQuotedIdentifiers() {
      assertThat(pg("SELECT \"a:b?\", \"x\"\"?\" FROM t WHERE c = :c"))
          .isEqualTo("SELECT \"a:b?\", \"x\"\"?\" FROM t WHERE c = $1");
    }

    @Test
    void backticksAndHashAreNotSpecial() {
      assertThat(pg("SELECT `?` # ?")).isEqualTo("SELECT `$1` # $2");
    }

    @Test
    void castsAreNotNames() {
      ParsedStatement s = PlaceholderRewriter.parse("SELECT x::int, :v::text, '1'::jsonb", POSTGRESQL);
      assertThat(s.sql()).isEqualTo("SELECT x::int, $1::text, '1'::jsonb");
      assertThat(s.parameterNames()).containsExactly("v");
    }
  }

  @Nested
  class MySql {

    @Test
    void theBodyOfAnExecutableCommentIsCodeSoItsPlaceholdersCount() {
      assertThat(my("SELECT /*!50100 :a + */ :b /* :c */")).isEqualTo("SELECT /*!50100 ? + */ ? /* :c */");
      assertThat(count("SELECT /*M! ? */ 1", MYSQL)).isEqualTo(1);
      assertThat(count("SELECT /*! ? */ 1", POSTGRESQL)).isZero();
    }

    @Test
    void keepsQuestionMarksAndRewritesNames() {
      assertThat(my("SELECT ? , ?")).isEqualTo("SELECT ? , ?");
      ParsedStatement s = PlaceholderRewriter.parse("UPDATE t SET a = :a WHERE id = :id OR p = :a", MYSQL);
      assertThat(s.sql()).isEqualTo("UPDATE t SET a = ? WHERE id = ? OR p = ?");
      assertThat(s.parameterNames()).containsExactly("a", "id", "a");
      assertThat(s.bind(new JsonObject().put("a", 1).put("id", 2))).containsExactly(1, 2, 1);
    }

    @Test
    void stringsHaveBackslashEscapes() {
      assertThat(my("SELECT 'it\\'s ? :x', :y")).isEqualTo("SELECT 'it\\'s ? :x', ?");
      assertThat(my("SELECT 'a\\\\', :y")).isEqualTo("SELECT 'a\\\\', ?");
      assertThat(my("SELECT 'it''s :x', :y")).isEqualTo("SELECT 'it''s :x', ?");
    }

    @Test
    void doubleQuotesAreStringsWithBackslashEscapes() {
      assertThat(my("SELECT \"say \\\"?\\\" :x\", :y")).isEqualTo("SELECT \"say \\\"?\\\" :x\", ?");
    }

    @Test
    void skipsBacktickIdentifiers() {
      assertThat(my("SELECT `a?b`, `x``:y` FROM t WHERE c = :c"))
          .isEqualTo("SELECT `a?b`, `x``:y` FROM t WHERE c = ?");
      assertThat(count("SELECT `a\\` , ?", MYSQL)).isEqualTo(1);
    }

    @Test
    void skipsAllThreeCommentKinds() {
      ParsedStatement s =
          PlaceholderRewriter.parse("SELECT 1 # :a ?\n, -- :b ?\r\n :c /* :d ? */ , :e", MYSQL);
      assertThat(s.sql()).isEqualTo("SELECT 1 # :a ?\n, -- :b ?\r\n ? /* :d ? */ , ?");
      assertThat(s.parameterNames()).containsExactly("c", "e");
    }

    @Test
    void blockCommentsDoNotNest() {
      assertThat(my("/* a /* b */ ? */")).isEqualTo("/* a /* b */ ? */");
      assertThat(count("/* a /* b */ ? */", MYSQL)).isEqualTo(1);
    }

    @Test
    void dollarsAreNotQuotes() {
      assertThat(count("SELECT $$ ? $$", MYSQL)).isEqualTo(1);
    }

    @Test
    void assignmentIsNoName() {
      assertThat(my("SET @x := :v")).isEqualTo("SET @x := ?");
    }
  }

  @Nested
  class Sqlite {

    @Test
    void rewritesNamesToQuestionMarks() {
      ParsedStatement s = PlaceholderRewriter.parse("INSERT INTO t VALUES (:a, :b, :a)", SQLITE);
      assertThat(s.sql()).isEqualTo("INSERT INTO t VALUES (?, ?, ?)");
      assertThat(s.bind(new JsonObject().put("a", "x").put("b", null))).containsExactly("x", null, "x");
    }

    @Test
    void stringsHaveNoBackslashEscapes() {
      assertThat(lite("SELECT 'a\\', ?")).isEqualTo("SELECT 'a\\', ?");
      assertThat(count("SELECT 'a\\', ?", SQLITE)).isEqualTo(1);
      assertThat(count("SELECT 'it''s ?'", SQLITE)).isZero();
    }

    @Test
    void skipsIdentifiersAndComments() {
      assertThat(count("SELECT \"a?\", `b:c`, `d``?` -- ?\n /* :x ? */", SQLITE)).isZero();
    }

    @Test
    void hashAndDollarAreNotSpecial() {
      assertThat(count("SELECT ? # ?", SQLITE)).isEqualTo(2);
      assertThat(count("SELECT $$ ? $$", SQLITE)).isEqualTo(1);
    }
  }

  @Nested
  class EveryDialect {

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 'abc ? :x",
        "SELECT \"abc ? :x",
        "SELECT /* abc ? :x",
        "SELECT /* a /* */ :y :x",
        "SELECT -- abc ? :x",
        "SELECT E'abc\\' ? :x",
        "SELECT ''' ? :x"})
    void unterminatedQuotesAndCommentsSwallowTheRest(String sql) {
      for (SqlSyntax syntax : List.of(POSTGRESQL, MYSQL, SQLITE)) {
        ParsedStatement s = PlaceholderRewriter.parse(sql, syntax);
        if (syntax.nestedComments() || !sql.contains("/* a /*")) {
          assertThat(s.sql()).as("%s", syntax).isEqualTo(sql);
          assertThat(s.placeholderCount()).as("%s", syntax).isZero();
        }
      }
    }

    @Test
    void unterminatedDialectSpecificQuotes() {
      assertThat(count("SELECT $tag$ ? :x $tag", POSTGRESQL)).isZero();
      assertThat(count("SELECT $$ ? :x", POSTGRESQL)).isZero();
      assertThat(count("SELECT `? :x", MYSQL)).isZero();
      assertThat(count("SELECT `? :x", SQLITE)).isZero();
      assertThat(count("SELECT 'it\\' ? :x", MYSQL)).isZero();
      assertThat(count("SELECT 1 # ? :x", MYSQL)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ":", "::", ":::", "::::x", "x:::int", "a ::b", "a:1", "[:1", ": x", "?:", "'a':::", "$", "$$", "$a",
        "E", "E'", "'", "\"", "`", "/*", "/", "-", "#", "\\", "x:"})
    void oddEdgesNeitherCrashNorFindNames(String sql) {
      for (SqlSyntax syntax : List.of(POSTGRESQL, MYSQL, SQLITE)) {
        ParsedStatement s = PlaceholderRewriter.parse(sql, syntax);
        assertThat(s.named()).isFalse();
        assertThat(s.placeholderCount()).isEqualTo(sql.startsWith("?") ? 1 : 0);
      }
    }

    @Test
    void nameIsColonThenIdentifier() {
      ParsedStatement s = PlaceholderRewriter.parse("SELECT :_a1b, :B2, x:y, :1, :é", SQLITE);
      assertThat(s.parameterNames()).containsExactly("_a1b", "B2", "y", "1");
      assertThat(s.sql()).isEqualTo("SELECT ?, ?, x?, ?, :é");
    }

    /** Drizzle's and Kysely's Data API drivers name parameters :0, :1, ...; array slices keep their colon. */
    @Test
    void numberedNamesAreNamesButArraySlicesAreNot() {
      ParsedStatement s = PlaceholderRewriter.parse(
          "SELECT arr[1:2], a[i:3], b[:4], c[2:], x::int FROM t WHERE id = :0 AND v IN (:1, :12) AND w = :0", POSTGRESQL);
      assertThat(s.parameterNames()).containsExactly("0", "1", "12", "0");
      assertThat(s.sql()).isEqualTo(
          "SELECT arr[1:2], a[i:3], b[:4], c[2:], x::int FROM t WHERE id = $1 AND v IN ($2, $3) AND w = $1");
      assertThat(s.bind(new io.vertx.core.json.JsonObject().put("0", 5).put("1", "a").put("12", "b")))
          .containsExactly(5, "a", "b");
    }

    @Test
    void noPlaceholders() {
      ParsedStatement s = PlaceholderRewriter.parse("SELECT 1", POSTGRESQL);
      assertThat(s.sql()).isEqualTo("SELECT 1");
      assertThat(s.named()).isFalse();
      assertThat(s.placeholderCount()).isZero();
      assertThat(s.bind(null)).isEmpty();
      assertThat(s.bind(new JsonArray())).isEmpty();
      assertThat(s.bind(new JsonObject())).isEmpty();
    }

    @Test
    void mixingIsRejected() {
      for (SqlSyntax syntax : List.of(POSTGRESQL, MYSQL, SQLITE)) {
        assertBadRequest(
            () -> PlaceholderRewriter.parse("SELECT ?, :a", syntax),
            "a statement cannot mix ? and :name placeholders");
        assertBadRequest(
            () -> PlaceholderRewriter.parse("SELECT :a, ?", syntax),
            "a statement cannot mix ? and :name placeholders");
      }
      // Protected text does not count as mixing.
      assertThat(count("SELECT ?, ':a', \"?\"", POSTGRESQL)).isEqualTo(1);
    }
  }

  @Nested
  class Binding {

    private final ParsedStatement twoPositional = PlaceholderRewriter.parse("SELECT ?, ?", MYSQL);
    private final ParsedStatement onePositional = PlaceholderRewriter.parse("SELECT ?", SQLITE);
    private final ParsedStatement namedPg = PlaceholderRewriter.parse("SELECT :id, :id", POSTGRESQL);

    @Test
    void positionalValuesAreReturnedAsIs() {
      JsonObject object = new JsonObject().put("k", 1);
      JsonArray array = new JsonArray().add(1);
      ParsedStatement s = PlaceholderRewriter.parse("SELECT ?, ?, ?, ?, ?, ?", POSTGRESQL);
      List<Object> values = s.bind(new JsonArray(Arrays.asList("s", 2.5, true, null, object, array)));
      assertThat(values).containsExactly("s", 2.5, true, null, object, array);
    }

    @Test
    void namedExtraKeysAreIgnoredAndNullIsAValue() {
      assertThat(namedPg.bind(new JsonObject().put("id", null).put("unused", 1)))
          .containsExactly((Object) null);
    }

    @Test
    void positionalCountMismatch() {
      assertBadRequest(() -> twoPositional.bind(new JsonArray().add(1)),
          "statement has 2 positional placeholders but 1 parameter was given");
      assertBadRequest(() -> twoPositional.bind(null),
          "statement has 2 positional placeholders but 0 parameters were given");
      assertBadRequest(() -> onePositional.bind(new JsonArray().add(1).add(2)),
          "statement has 1 positional placeholder but 2 parameters were given");
      assertBadRequest(() -> PlaceholderRewriter.parse("SELECT 1", SQLITE).bind(new JsonArray().add(1)),
          "statement has 0 positional placeholders but 1 parameter was given");
    }

    @Test
    void positionalNeedsAnArray() {
      assertBadRequest(() -> twoPositional.bind(new JsonObject().put("a", 1)),
          "params must be an array for ? placeholders");
      assertBadRequest(() -> onePositional.bind("1"), "params must be an array for ? placeholders");
    }

    @Test
    void namedNeedsAnObject() {
      assertBadRequest(() -> namedPg.bind(new JsonArray().add(1)),
          "params must be an object for :name placeholders");
      assertBadRequest(() -> namedPg.bind(null), "params must be an object for :name placeholders");
    }

    @Test
    void namedNeedsEveryName() {
      ParsedStatement s = PlaceholderRewriter.parse("SELECT :a, :id", MYSQL);
      assertBadRequest(() -> s.bind(new JsonObject().put("a", 1)), "no value for named parameter :id");
    }

    @Test
    void boundListIsUnmodifiable() {
      List<Object> values = onePositional.bind(new JsonArray().add(1));
      assertThatThrownBy(() -> values.add(2)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class NumberedPlaceholdersReplaced {

    private String replaced(String sql) {
      return PlaceholderRewriter.replaceNumbered(sql, n -> n == 1 ? "($1::pg_catalog.text::pg_catalog.inet)"
          : n == 10 ? "NULL" : null);
    }

    @Test
    void onlyTheNumbersAskedForAreWrittenAgain() {
      assertThat(replaced("SELECT $1, $2, $10, $1[1] FROM t WHERE a = $1"))
          .isEqualTo("SELECT ($1::pg_catalog.text::pg_catalog.inet), $2, NULL, ($1::pg_catalog.text::pg_catalog.inet)[1]"
              + " FROM t WHERE a = ($1::pg_catalog.text::pg_catalog.inet)");
    }

    @Test
    void textThatIsNotCodeKeepsItsDollarNumbers() {
      String untouched = "SELECT '$1', E'\\' $1', \"$1\", a$1, $$ $1 $$, $q$ $1 $q$ -- $1\n /* $1 */ $2";
      assertThat(replaced(untouched)).isEqualTo(untouched);
    }

    @Test
    void aNumberPastEveryParameterIsLeftAlone() {
      assertThat(replaced("SELECT $99999999999999999999")).isEqualTo("SELECT $99999999999999999999");
    }
  }
}
