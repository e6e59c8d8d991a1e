package io.dbgateway.sql;

import java.util.Locale;
import java.util.Set;

/**
 * Whether SQL text may leave something on the session of the connection it runs on: a setting, a lock,
 * a temporary table, a prepared statement, a cursor, a listener, a user variable, an open transaction.
 * Pooled connections go from caller to caller, so a statement that may do so has its session reset
 * before the connection is lent again; the rest, almost every statement an application sends, costs
 * nothing more.
 *
 * <p>The answer errs towards "may": a statement is plain only when every statement in the text begins
 * with {@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code WITH}, {@code VALUES},
 * {@code TABLE}, {@code REPLACE}, {@code MERGE}, {@code EXPLAIN} or {@code SHOW}; no word anywhere names
 * a temporary object ({@code TEMP}, {@code TEMPORARY}, {@code pg_temp}); no function is called other
 * than the built-ins in {@link #PLAIN_FUNCTIONS} (a user's function may do anything); and, on MySQL, no
 * {@code @} appears (user variables). Words inside strings, quoted identifiers and comments are not
 * read; MySQL's executable comments are.
 *
 * <p>What text cannot show: a trigger, a view, a rule or a column default that calls a function which
 * changes the session. Objects like that are made with DDL, by whoever may create them; where keys may,
 * {@code GATEWAY_SESSION_RESET=always} resets after every unit instead (docs/security.md).
 */
public final class SessionEffects {

  private SessionEffects() {}

  /** The statements that, alone, leave nothing on the session: reads and row writes. */
  private static final Set<String> PLAIN_STARTS = Set.of(
      "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "TABLE", "REPLACE", "MERGE", "EXPLAIN", "SHOW");

  /** Words that make an object live as long as the session. */
  private static final Set<String> SESSION_OBJECTS = Set.of("TEMP", "TEMPORARY", "PG_TEMP");

  /** Stands for a quoted identifier, which may name any function. */
  private static final String QUOTED_NAME = new String("\"");

  /** Keywords followed by a parenthesis that is no function call. */
  private static final Set<String> NOT_CALLS = Set.of(
      "IN", "VALUES", "EXISTS", "ANY", "ALL", "SOME", "AS", "ON", "USING", "OVER", "FILTER", "WITHIN", "ROW",
      "ARRAY", "AND", "OR", "NOT", "WHERE", "SELECT", "FROM", "JOIN", "BY", "HAVING", "SET", "THEN", "ELSE", "WHEN",
      "CASE", "RETURNING", "LATERAL", "UNION", "INTERSECT", "EXCEPT", "IS", "LIKE", "BETWEEN", "DISTINCT", "CONFLICT",
      "INTO", "TABLE", "LIMIT", "OFFSET", "WITH", "RECURSIVE", "MATERIALIZED", "UPDATE", "DELETE", "INSERT",
      "KEY", "PARTITION", "WINDOW", "RANGE", "ROWS", "GROUPS", "ASC", "DESC", "ESCAPE", "END", "DO", "NOTHING",
      "DUPLICATE", "GROUP", "ORDER", "TUPLE", "SIMILAR", "ILIKE", "REGEXP", "RLIKE", "GLOB", "MATCH", "NULLS",
      "FIRST", "LAST", "COLLATE", "FOR", "OF", "SHARE", "NOWAIT", "SKIP", "LOCKED", "TO", "ORDINALITY");

  /**
   * Built-in functions that only compute a value: aggregates, window functions, arithmetic, text, dates,
   * JSON and conversions, as PostgreSQL, MySQL, MariaDB and SQLite name them.
   */
  static final Set<String> PLAIN_FUNCTIONS = Set.of(
      // aggregates and window functions
      "COUNT", "SUM", "AVG", "MIN", "MAX", "ARRAY_AGG", "STRING_AGG", "GROUP_CONCAT", "JSON_AGG", "JSONB_AGG",
      "JSON_OBJECT_AGG", "JSONB_OBJECT_AGG", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "BOOL_AND", "BOOL_OR", "EVERY",
      "STDDEV", "VARIANCE", "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LAG", "LEAD",
      "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE", "TOTAL",
      // conditionals and conversions
      "COALESCE", "NULLIF", "GREATEST", "LEAST", "IFNULL", "IF", "IIF", "ISNULL", "CAST", "CONVERT", "TYPEOF",
      // numbers
      "ABS", "ROUND", "FLOOR", "CEIL", "CEILING", "MOD", "POWER", "POW", "SQRT", "EXP", "LN", "LOG", "LOG10", "SIGN",
      "TRUNC", "TRUNCATE", "DIV", "RANDOM", "RAND", "PI",
      // text
      "LOWER", "UPPER", "LCASE", "UCASE", "LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "BIT_LENGTH",
      "SUBSTRING", "SUBSTR", "MID", "TRIM", "LTRIM", "RTRIM", "BTRIM", "CONCAT", "CONCAT_WS", "REPLACE", "POSITION",
      "STRPOS", "INSTR", "LOCATE", "LEFT", "RIGHT", "LPAD", "RPAD", "REVERSE", "REPEAT", "SPLIT_PART", "INITCAP",
      "ASCII", "CHR", "CHAR", "FORMAT", "MD5", "SHA1", "SHA2", "ENCODE", "DECODE", "HEX", "UNHEX", "QUOTE",
      "REGEXP_REPLACE", "REGEXP_MATCHES", "REGEXP_LIKE", "REGEXP_SUBSTR", "REGEXP_INSTR", "STARTS_WITH", "TRANSLATE",
      // dates and times
      "NOW", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "CLOCK_TIMESTAMP",
      "STATEMENT_TIMESTAMP", "TRANSACTION_TIMESTAMP", "EXTRACT", "DATE_PART", "DATE_TRUNC", "DATE", "TIME",
      "DATETIME", "JULIANDAY", "STRFTIME", "UNIXEPOCH", "TO_CHAR", "TO_DATE", "TO_TIMESTAMP", "TO_NUMBER", "AGE",
      "MAKE_DATE", "MAKE_TIMESTAMP", "MAKE_INTERVAL", "DATE_FORMAT", "STR_TO_DATE", "DATE_ADD", "DATE_SUB",
      "DATEDIFF", "TIMESTAMPDIFF", "TIMESTAMPADD", "UNIX_TIMESTAMP", "FROM_UNIXTIME", "UTC_TIMESTAMP", "CURDATE",
      "CURTIME", "SYSDATE", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "DAYOFWEEK", "WEEK", "TIMESTAMP",
      // JSON, arrays, identifiers
      "JSON_BUILD_OBJECT", "JSONB_BUILD_OBJECT", "JSON_BUILD_ARRAY", "JSONB_BUILD_ARRAY", "TO_JSON", "TO_JSONB",
      "ROW_TO_JSON", "JSON_OBJECT", "JSON_ARRAY", "JSON_EXTRACT", "JSON_UNQUOTE", "JSON_VALUE", "JSON_QUERY",
      "JSON_CONTAINS", "JSON_LENGTH", "JSON_TYPE", "JSON_VALID", "JSON_SET", "JSON_INSERT", "JSON_REMOVE",
      "JSON_EXTRACT_PATH", "JSON_EXTRACT_PATH_TEXT", "JSONB_EXTRACT_PATH", "JSONB_EXTRACT_PATH_TEXT", "JSONB_SET",
      "JSONB_EXISTS", "JSONB_EXISTS_ANY", "JSONB_EXISTS_ALL", "JSON_ARRAY_LENGTH", "JSONB_ARRAY_LENGTH",
      "JSON_EACH", "JSONB_EACH", "JSON_ARRAY_ELEMENTS", "JSONB_ARRAY_ELEMENTS", "JSON_GROUP_ARRAY",
      "JSON_GROUP_OBJECT", "ARRAY_LENGTH", "CARDINALITY", "UNNEST", "GENERATE_SERIES", "ARRAY_TO_STRING",
      "STRING_TO_ARRAY", "ARRAY_POSITION", "ARRAY_APPEND", "GEN_RANDOM_UUID", "UUID", "UUID_SHORT",
      "LAST_INSERT_ID", "LAST_INSERT_ROWID", "CHANGES", "ROW_COUNT", "FOUND_ROWS", "NUMERIC", "DECIMAL", "VARCHAR",
      "CHARACTER", "VARYING", "INTERVAL", "BIT", "BINARY", "FLOAT", "DOUBLE", "INT", "INTEGER", "BIGINT", "TEXT");

  /**
   * Whether running {@code sql} may leave state on its session for the next caller of the pooled
   * connection (see the class comment for what counts).
   */
  public static boolean mayChangeSession(String sql, SqlSyntax syntax) {
    int n = sql.length();
    int i = 0;
    boolean statementStart = true;
    String last = null; // the word just before, while only spaces and dots followed it
    boolean lastIsTable = false; // it names a table (after INTO, schema-qualified or not), so ( opens columns
    boolean tableFollows = false;
    boolean afterDot = false;
    while (i < n) {
      char c = sql.charAt(i);
      int body = syntax.executableComments() ? SqlLexer.executableCommentBody(sql, i) : i;
      int end = SqlLexer.skipProtected(sql, i, syntax);
      String word = null;
      if (body > i) {
        i = body;
        continue;
      } else if (end > i) {
        boolean name = c == '"' && !syntax.backslashEscapes() || c == '`';
        i = end;
        if (!name) {
          last = null; // a literal, a comment or a placeholder
          tableFollows = false;
          continue;
        }
        word = QUOTED_NAME;
      } else if (SqlLexer.isWordStart(c)) {
        int stop = SqlLexer.wordEnd(sql, i);
        word = sql.substring(i, stop).toUpperCase(Locale.ROOT);
        i = stop;
        if (statementStart && !PLAIN_STARTS.contains(word) || SESSION_OBJECTS.contains(word)) {
          return true;
        }
      } else {
        i++;
        if (c == '(' && last != null && !lastIsTable && isCall(last)) {
          return true;
        }
        if (c == '@' && syntax.executableComments()) {
          return true; // MySQL user variables (@x, @x := ...) live as long as the session
        }
        if (c == '.') {
          afterDot = true;
        } else if (!Character.isWhitespace(c)) {
          statementStart = c == ';' || statementStart;
          last = null;
          tableFollows = false;
          afterDot = false;
        }
        continue;
      }
      statementStart = false;
      lastIsTable = tableFollows || afterDot && lastIsTable;
      tableFollows = word.equals("INTO");
      afterDot = false;
      last = word;
    }
    return false;
  }

  private static boolean isCall(String word) {
    if (word == QUOTED_NAME) {
      return true;
    }
    return !NOT_CALLS.contains(word) && !PLAIN_FUNCTIONS.contains(word) && !SqlLexer.isAsciiDigit(word.charAt(0));
  }
}
