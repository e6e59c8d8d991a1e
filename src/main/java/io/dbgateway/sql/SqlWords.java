package io.dbgateway.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

  private static final Set<String> QUERY_WORDS = Set.of("SELECT", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE");

  /**
   * Where the query of one statement that begins with {@code WITH} starts, after its list of common table
   * expressions: at the first word that begins a query outside parentheses, or at a parenthesis opened
   * right after a closed one ({@code WITH x AS (...) (SELECT ...)}); -1 if there is none.
   */
  public static int withQueryStart(String statement, SqlSyntax syntax) {
    int[] found = {-1};
    SqlLexer.scan(statement, syntax, new SqlLexer.Tokens() {
      private int depth;
      private boolean closed;
      private boolean first = true;

      @Override
      public void word(int start, int end) {
        if (found[0] < 0 && depth == 0) {
          if (!first && QUERY_WORDS.contains(statement.substring(start, end).toUpperCase(Locale.ROOT))) {
            found[0] = start;
          }
          first = false;
          closed = false;
        }
      }

      @Override
      public void semicolon(int at) {}

      @Override
      public void other(char c, int at) {
        if (found[0] >= 0) {
          return;
        }
        if (c == '(') {
          if (depth == 0 && closed) {
            found[0] = at;
          }
          depth++;
        } else if (c == ')') {
          depth--;
          closed = depth == 0;
        } else if (depth == 0 && !Character.isWhitespace(c)) {
          closed = false;
        }
      }
    });
    return found[0];
  }

  /** Where {@code statement} goes on after the first {@code word} outside parentheses; -1 if there is none. */
  public static int after(String statement, SqlSyntax syntax, String word) {
    int[] found = {-1};
    SqlLexer.scan(statement, syntax, new SqlLexer.Tokens() {
      private int depth;

      @Override
      public void word(int start, int end) {
        if (found[0] < 0 && depth == 0 && statement.substring(start, end).equalsIgnoreCase(word)) {
          found[0] = end;
        }
      }

      @Override
      public void semicolon(int at) {}

      @Override
      public void other(char c) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      }
    });
    return found[0];
  }
}
