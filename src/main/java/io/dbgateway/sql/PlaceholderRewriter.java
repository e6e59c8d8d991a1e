package io.dbgateway.sql;

import io.dbgateway.error.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rewrites {@code ?} or {@code :name} placeholders into the style a driver wants, in one pass.
 *
 * <p>Text inside string literals, quoted identifiers, comments and (PostgreSQL) dollar-quoted
 * strings is copied untouched, as is a run of colons ({@code x::int} is a cast, not {@code :int}).
 * A named placeholder is {@code :} then {@code [A-Za-z_][A-Za-z0-9_]*}. An unterminated quote or
 * comment runs to the end of the text: nothing after it is a placeholder, and the database gets to
 * report the syntax error.
 *
 * <p>For {@link ParameterStyle#DOLLAR_NUMBERED} each {@code ?} gets the next number, and each
 * distinct {@code :name} gets one number, reused wherever the name appears again (so
 * {@code :id ... :id} becomes {@code $1 ... $1} and binds one value). {@code $1}-style input is
 * already native to PostgreSQL: it is left as is and not counted, so its values are the caller's
 * business, and it should not be mixed with {@code ?} or {@code :name}.
 *
 * <p>Known limit: PostgreSQL's jsonb operators {@code ?}, {@code ?|} and {@code ?&} are taken for
 * placeholders; write them as the functions {@code jsonb_exists*} instead.
 */
public final class PlaceholderRewriter {

  private PlaceholderRewriter() {}

  /**
   * Finds the placeholders of {@code sql} and rewrites them for {@code syntax.target()}.
   *
   * @throws GatewayException (bad request) when the statement mixes {@code ?} and {@code :name}
   */
  public static ParsedStatement parse(String sql, SqlSyntax syntax) {
    return parse(sql, syntax, (name, index) -> "");
  }

  /**
   * What to write right after a placeholder, such as a cast ({@code ::numeric}) that gives the server
   * the parameter's declared type.
   */
  @FunctionalInterface
  public interface Suffix {
    /**
     * @param name the placeholder's name, or {@code "?"}
     * @param index its position among the statement's placeholders (for {@code ?}, its parameter's index)
     */
    String after(String name, int index);
  }

  /** As {@link #parse(String, SqlSyntax)}, with {@code suffix} written after each placeholder. */
  public static ParsedStatement parse(String sql, SqlSyntax syntax, Suffix suffix) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(syntax, "syntax");
    boolean dollar = syntax.target() == ParameterStyle.DOLLAR_NUMBERED;
    StringBuilder out = new StringBuilder(sql.length() + 16);
    List<String> names = new ArrayList<>();
    Map<String, Integer> numberOfName = new HashMap<>();
    boolean positional = false;
    boolean named = false;
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int end = skipProtected(sql, i, syntax);
      if (end > i) {
        out.append(sql, i, end);
        i = end;
      } else if (c == '?') {
        positional = true;
        names.add(ParsedStatement.POSITIONAL);
        out.append(dollar ? "$" + names.size() : "?").append(suffix.after(ParsedStatement.POSITIONAL, names.size() - 1));
        i++;
      } else if (c == ':' && i + 1 < n && isNameStart(sql.charAt(i + 1))) {
        int stop = i + 2;
        while (stop < n && isNamePart(sql.charAt(stop))) {
          stop++;
        }
        String name = sql.substring(i + 1, stop);
        named = true;
        names.add(name);
        if (dollar) {
          Integer number = numberOfName.get(name);
          if (number == null) {
            number = numberOfName.size() + 1;
            numberOfName.put(name, number);
          }
          out.append('$').append(number);
        } else {
          out.append('?');
        }
        out.append(suffix.after(name, names.size() - 1));
        i = stop;
      } else if (c == ':') {
        // A run of colons (::, :::) is a cast or an operator, so the word after it is no name.
        int stop = i;
        while (stop < n && sql.charAt(stop) == ':') {
          stop++;
        }
        out.append(sql, i, stop);
        i = stop;
      } else if (isWordStart(c)) {
        i = copyWord(sql, i, out);
      } else {
        out.append(c);
        i++;
      }
      if (positional && named) {
        throw GatewayException.badRequest("a statement cannot mix ? and :name placeholders");
      }
    }
    return new ParsedStatement(out.toString(), names, named, syntax.target());
  }

  /**
   * Copies an identifier, keyword or number whole, so a {@code $} inside it ({@code a$b$}) is not
   * read as a dollar quote; {@code E'...'} right after is PostgreSQL's backslash-escaped string.
   */
  private static int copyWord(String sql, int start, StringBuilder out) {
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
    out.append(sql, start, stop);
    return stop;
  }

  /** The end of the literal, quoted identifier or comment starting at {@code i}, or {@code i}. */
  private static int skipProtected(String sql, int i, SqlSyntax syntax) {
    char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
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
  private static int quotedEnd(String sql, int open, char quote, boolean backslashEscapes) {
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
  private static int lineEnd(String sql, int start) {
    int j = start;
    while (j < sql.length() && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') {
      j++;
    }
    return j;
  }

  private static int blockCommentEnd(String sql, int open, boolean nested) {
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
  private static int dollarEnd(String sql, int dollar) {
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

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || isAsciiDigit(c);
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isTagStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isWordStart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  // PostgreSQL, MySQL and SQLite all allow $ inside an identifier after its first character.
  private static boolean isWordPart(char c) {
    return isWordStart(c) || c == '$';
  }
}
