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
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int body = syntax.executableComments() ? SqlLexer.executableCommentBody(sql, i) : i;
      int end = SqlLexer.skipProtected(sql, i, syntax);
      if (body > i) {
        i = body;
      } else if (end > i) {
        i = end;
      } else if (c == ';') {
        if (!words.isEmpty()) {
          statements.add(List.copyOf(words));
          words.clear();
        }
        i++;
      } else if (SqlLexer.isWordStart(c)) {
        int stop = SqlLexer.wordEnd(sql, i);
        if (words.size() < count) {
          words.add(sql.substring(i, stop).toUpperCase(Locale.ROOT));
        }
        i = stop;
      } else {
        i++;
      }
    }
    if (!words.isEmpty()) {
      statements.add(List.copyOf(words));
    }
    return statements;
  }
}
