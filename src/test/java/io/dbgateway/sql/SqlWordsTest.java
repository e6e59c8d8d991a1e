package io.dbgateway.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlWordsTest {

  @Test
  void theFinalSemicolonGoesWithTheBlanksAndCommentsAfterItAndNothingElse() {
    SqlSyntax pg = SqlSyntax.POSTGRESQL;
    assertThat(SqlWords.withoutFinalSemicolon("SELECT 1;", pg)).isEqualTo("SELECT 1");
    assertThat(SqlWords.withoutFinalSemicolon("SELECT 1 ; -- done\n /* really */ ", pg)).isEqualTo("SELECT 1 ");
    assertThat(SqlWords.withoutFinalSemicolon("SELECT ';' -- ;", pg)).isEqualTo("SELECT ';' -- ;");
    assertThat(SqlWords.withoutFinalSemicolon("SELECT $$;$$, \";\"", pg)).isEqualTo("SELECT $$;$$, \";\"");
    assertThat(SqlWords.withoutFinalSemicolon("SELECT 1; SELECT 2", pg)).isEqualTo("SELECT 1; SELECT 2");
  }
}
