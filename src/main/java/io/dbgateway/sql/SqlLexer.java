package io.dbgateway.sql;

/**
 * Where SQL text is code and where it is not: string literals, quoted identifiers, comments and
 * (PostgreSQL) dollar-quoted strings are skipped whole. Shared by the placeholder rewriter and the
 * read-only guard, so both read a statement the way the database does.
 *
 * <p>MySQL runs the body of {@code /*! ... *}{@code /} and {@code /*M! ... *}{@code /} comments as code,
 * so for MySQL those are not skipped: only their opening marker and version number are.
 */
final class SqlLexer {

  private SqlLexer() {}

  /** What {@link #scan} meets in code: words, statement-ending semicolons, and any other character. */
  interface Tokens {
    void word(int start, int end);

    void semicolon(int at);

    default void other(char c) {}

    /** {@link #other(char)}, told where the character is. */
    default void other(char c, int at) {
      other(c);
    }
  }

  /**
   * Walks the code of {@code sql}: literals, quoted identifiers and comments are passed over whole (a
   * MySQL executable comment's body is code), and each word, {@code ;} and other character is told to
   * {@code tokens} in text order.
   */
  static void scan(String sql, SqlSyntax syntax, Tokens tokens) {
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int body = syntax.executableComments() ? executableCommentBody(sql, i) : i;
      int end = skipProtected(sql, i, syntax);
      if (body > i) {
        i = body;
      } else if (end > i) {
        i = end;
      } else if (c == ';') {
        tokens.semicolon(i);
        i++;
      } else if (isWordStart(c)) {
        int stop = wordEnd(sql, i);
        tokens.word(i, stop);
        i = stop;
      } else {
        tokens.other(c, i);
        i++;
      }
    }
  }

  /** The end of the literal, quoted identifier or comment starting at {@code i}, or {@code i}. */
  static int skipProtected(String sql, int i, SqlSyntax syntax) {
    char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
    if (syntax.executableComments() && executableCommentBody(sql, i) > i) {
      return i;
    }
    return switch (sql.charAt(i)) {
      case '\'' -> quotedEnd(sql, i, '\'', syntax.backslashEscapes());
      // In MySQL "..." is a string, with the same escapes; elsewhere backslash is never special.
      case '"' -> quotedEnd(sql, i, '"', syntax.backslashEscapes());
      case '`' -> syntax.backtickIdentifiers() ? quotedEnd(sql, i, '`', false) : i;
      case '-' -> next == '-' ? lineEnd(sql, i) : i;
      case '#' -> syntax.hashComments() ? lineEnd(sql, i) : i;
      case '/' -> next == '*' ? blockCommentEnd(sql, i, syntax.nestedComments()) : i;
      case '$' -> syntax.dollarQuotes() ? dollarEnd(sql, i) : i;
      default -> i;
    };
  }

  /** Past the closing quote; a doubled quote, or a backslash pair if enabled, does not close. */
  static int quotedEnd(String sql, int open, char quote, boolean backslashEscapes) {
    int n = sql.length();
    int j = open + 1;
    while (j < n) {
      char c = sql.charAt(j);
      if (backslashEscapes && c == '\\') {
        j += 2;
      } else if (c != quote) {
        j++;
      } else if (j + 1 < n && sql.charAt(j + 1) == quote) {
        j += 2;
      } else {
        return j + 1;
      }
    }
    return n;
  }

  /** The line break that ends the comment (left to the caller to copy), or the end of text. */
  static int lineEnd(String sql, int start) {
    int j = start;
    while (j < sql.length() && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') {
      j++;
    }
    return j;
  }

  static int blockCommentEnd(String sql, int open, boolean nested) {
    int depth = 1;
    int j = open + 2;
    while (j < sql.length()) {
      if (sql.startsWith("*/", j)) {
        j += 2;
        if (--depth == 0) {
          return j;
        }
      } else if (nested && sql.startsWith("/*", j)) {
        depth++;
        j += 2;
      } else {
        j++;
      }
    }
    return sql.length();
  }

  /** A dollar-quoted string {@code $tag$...$tag$}, or a native {@code $1} (kept, not counted). */
  static int dollarEnd(String sql, int dollar) {
    int n = sql.length();
    int j = dollar + 1;
    if (j < n && isAsciiDigit(sql.charAt(j))) {
      while (j < n && isAsciiDigit(sql.charAt(j))) {
        j++;
      }
      return j;
    }
    if (j < n && isTagStart(sql.charAt(j))) {
      j++;
      while (j < n && (isTagStart(sql.charAt(j)) || isAsciiDigit(sql.charAt(j)))) {
        j++;
      }
    }
    if (j >= n || sql.charAt(j) != '$') {
      return dollar; // a lone $, not ours to interpret
    }
    String delimiter = sql.substring(dollar, j + 1);
    int close = sql.indexOf(delimiter, j + 1);
    return close < 0 ? n : close + delimiter.length();
  }

  /**
   * The end of the identifier, keyword or number starting at {@code start}, so a {@code $} inside it
   * ({@code a$b$}) is not read as a dollar quote; {@code E'...'} right after is PostgreSQL's
   * backslash-escaped string, and is part of the word.
   */
  static int wordEnd(String sql, int start) {
    int n = sql.length();
    int stop = start + 1;
    while (stop < n && isWordPart(sql.charAt(stop))) {
      stop++;
    }
    char c = sql.charAt(start);
    // Other dialects reject a bare E before a string, so honouring E'..' everywhere is harmless.
    if (stop == start + 1 && (c == 'E' || c == 'e') && stop < n && sql.charAt(stop) == '\'') {
      stop = quotedEnd(sql, stop, '\'', true);
    }
    return stop;
  }

  /**
   * Past the marker and version of a MySQL executable comment ({@code /*!50100 } or {@code /*M!100100 })
   * starting at {@code i}: where the code it holds begins. {@code i} when none starts there.
   */
  static int executableCommentBody(String sql, int i) {
    int j;
    if (sql.startsWith("/*!", i)) {
      j = i + 3;
    } else if (sql.startsWith("/*M!", i)) {
      j = i + 4;
    } else {
      return i;
    }
    while (j < sql.length() && isAsciiDigit(sql.charAt(j))) {
      j++;
    }
    return j;
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isTagStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  static boolean isWordStart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  // PostgreSQL, MySQL and SQLite all allow $ inside an identifier after its first character.
  static boolean isWordPart(char c) {
    return isWordStart(c) || c == '$';
  }
}
