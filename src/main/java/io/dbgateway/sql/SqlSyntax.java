package io.dbgateway.sql;

import java.util.Objects;

/**
 * The lexical rules of one SQL dialect that decide where placeholders cannot be, plus the
 * placeholder style its driver wants.
 *
 * @param backslashEscapes {@code \} escapes the next character inside '...' and "..." (MySQL's
 *     default, where "..." is a string too unless ANSI_QUOTES is set)
 * @param dollarQuotes {@code $$...$$} and {@code $tag$...$tag$} are strings (PostgreSQL)
 * @param backtickIdentifiers {@code `...`} quotes an identifier (MySQL, SQLite)
 * @param nestedComments block comments nest (PostgreSQL)
 * @param hashComments {@code #} starts a line comment (MySQL)
 * @param executableComments the body of {@code /*! ... *}{@code /} is code, not a comment (MySQL)
 * @param target the placeholder style the driver expects
 */
public record SqlSyntax(
    boolean backslashEscapes,
    boolean dollarQuotes,
    boolean backtickIdentifiers,
    boolean nestedComments,
    boolean hashComments,
    boolean executableComments,
    ParameterStyle target) {

  /** PostgreSQL with standard_conforming_strings on (the default since 9.1). */
  public static final SqlSyntax POSTGRESQL =
      new SqlSyntax(false, true, false, true, false, false, ParameterStyle.DOLLAR_NUMBERED);

  /** MySQL and MariaDB in their default sql_mode (no NO_BACKSLASH_ESCAPES, no ANSI_QUOTES). */
  public static final SqlSyntax MYSQL =
      new SqlSyntax(true, false, true, false, true, true, ParameterStyle.QUESTION_MARK);

  public static final SqlSyntax SQLITE =
      new SqlSyntax(false, false, true, false, false, false, ParameterStyle.QUESTION_MARK);

  public SqlSyntax {
    Objects.requireNonNull(target, "target");
  }
}
