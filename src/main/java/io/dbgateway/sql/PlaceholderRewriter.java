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
 * A named placeholder is {@code :} then {@code [A-Za-z_][A-Za-z0-9_]*}, or {@code :} then digits
 * ({@code :0}, {@code :12}: the names Drizzle and Kysely give Data API parameters) where the colon does
 * not follow a word or a bracket, so an array slice ({@code arr[1:2]}) stays as it is; write a slice
 * without a space before its colon. An unterminated quote or
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
      int end = SqlLexer.skipProtected(sql, i, syntax);
      if (end > i) {
        out.append(sql, i, end);
        i = end;
      } else if (c == '?') {
        positional = true;
        names.add(ParsedStatement.POSITIONAL);
        out.append(dollar ? "$" + names.size() : "?").append(suffix.after(ParsedStatement.POSITIONAL, names.size() - 1));
        i++;
      } else if (c == ':' && i + 1 < n && (isNameStart(sql.charAt(i + 1))
          || SqlLexer.isAsciiDigit(sql.charAt(i + 1)) && mayStartNumberedName(sql, i))) {
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
      } else {
        i = copyCode(sql, i, out);
      }
      if (positional && named) {
        throw GatewayException.badRequest("a statement cannot mix ? and :name placeholders");
      }
    }
    return new ParsedStatement(out.toString(), names, named, syntax.target());
  }

  /**
   * PostgreSQL SQL with its numbered placeholders ({@code $n}) written as {@code replacement} says:
   * {@code replacement.apply(n)} is the text for {@code $n}, or null to leave it. Literals, quoted
   * identifiers, comments, dollar quotes and identifiers such as {@code a$1} are left as they are.
   */
  public static String replaceNumbered(String sql, java.util.function.IntFunction<String> replacement) {
    StringBuilder out = new StringBuilder(sql.length() + 32);
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '$' && i + 1 < n && SqlLexer.isAsciiDigit(sql.charAt(i + 1))) {
        int stop = i + 1;
        while (stop < n && SqlLexer.isAsciiDigit(sql.charAt(stop))) {
          stop++;
        }
        String written = number(sql.substring(i + 1, stop)).map(replacement::apply).orElse(null);
        out.append(written == null ? sql.substring(i, stop) : written);
        i = stop;
        continue;
      }
      int end = SqlLexer.skipProtected(sql, i, SqlSyntax.POSTGRESQL);
      if (end > i) {
        out.append(sql, i, end);
        i = end;
      } else {
        i = copyCode(sql, i, out);
      }
    }
    return out.toString();
  }

  private static java.util.Optional<Integer> number(String digits) {
    try {
      return java.util.Optional.of(Integer.parseInt(digits));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty(); // more digits than any statement has parameters
    }
  }

  /** Copies the identifier, keyword or number at {@code i} whole, or else the one character there. */
  private static int copyCode(String sql, int i, StringBuilder out) {
    if (SqlLexer.isWordStart(sql.charAt(i))) {
      return copyWord(sql, i, out);
    }
    out.append(sql.charAt(i));
    return i + 1;
  }

  /** Copies an identifier, keyword or number whole (see {@link SqlLexer#wordEnd}). */
  private static int copyWord(String sql, int start, StringBuilder out) {
    int stop = SqlLexer.wordEnd(sql, start);
    out.append(sql, start, stop);
    return stop;
  }

  /**
   * Whether the {@code :} at {@code colon}, followed by a digit, starts a numbered name ({@code :0}, as
   * Drizzle's and Kysely's Data API drivers write them) rather than the end of an array slice
   * ({@code arr[1:2]}, {@code a[i:3]}, {@code b[:4]}): not right after a word or a bracket.
   */
  private static boolean mayStartNumberedName(String sql, int colon) {
    if (colon == 0) {
      return true;
    }
    char before = sql.charAt(colon - 1);
    // Not after ? either: rewriting :a:1 gives ?:1, which must read the same again.
    return !SqlLexer.isWordPart(before) && before != '[' && before != ']' && before != ':' && before != '?';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || SqlLexer.isAsciiDigit(c);
  }
}
