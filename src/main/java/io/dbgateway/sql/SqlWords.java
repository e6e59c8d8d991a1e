package io.dbgateway.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words SQL text begins each of its statements with, read the way the database reads them:
 * string literals, quoted identifiers and comments are not words, and {@code ;} outside them ends a
 * statement.
 */
public final class SqlWords {

  private SqlWords() {}

  /**
   * The first {@code count} words (upper case) of each non-empty statement in {@code sql}. A word is a
   * keyword, an identifier or a number; punctuation between words is passed over.
   */
  public static List<List<String>> leadingWords(String sql, SqlSyntax syntax, int count) {
    List<List<String>> statements = new ArrayList<>();
    List<String> words = new ArrayList<>();
    SqlLexer.scan(sql, syntax, new SqlLexer.Tokens() {
      @Override
      public void word(int start, int end) {
        if (words.size() < count) {
          words.add(sql.substring(start, end).toUpperCase(Locale.ROOT));
        }
      }

      @Override
      public void semicolon(int at) {
        if (!words.isEmpty()) {
          statements.add(List.copyOf(words));
          words.clear();
        }
      }
    });
    if (!words.isEmpty()) {
      statements.add(List.copyOf(words));
    }
    return statements;
  }
}
