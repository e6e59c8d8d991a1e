package io.dbgateway.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SQL text cut into its statements, the way the database reads them: a {@code ;} inside a string,
 * a quoted identifier, a comment or a dollar quote ends nothing, nor does one inside the body of a
 * routine or trigger ({@code CREATE TRIGGER ... BEGIN ...; END}, PostgreSQL's {@code BEGIN ATOMIC},
 * MySQL's compound statements), where {@code BEGIN} and {@code CASE} open a block that {@code END}
 * closes.
 */
public final class SqlScript {

  /** The objects whose body may hold statements of its own. */
  private static final Set<String> BODIED = Set.of("TRIGGER", "FUNCTION", "PROCEDURE", "EVENT");
  /** How far into a CREATE statement its object's kind is looked for ({@code CREATE OR REPLACE TEMP TRIGGER}, {@code CREATE DEFINER = a@b PROCEDURE}). */
  private static final int KIND_WITHIN = 8;
  /** The blocks of MySQL's compound statements that END closes with their own name, never counted. */
  private static final Set<String> NAMED_ENDS = Set.of("IF", "LOOP", "WHILE", "REPEAT", "FOR", "CASE");

  private SqlScript() {}

  /** The non-empty statements of {@code sql}, each without its closing {@code ;}, in order. */
  public static List<String> statements(String sql, SqlSyntax syntax) {
    Cutter cutter = new Cutter(sql);
    SqlLexer.scan(sql, syntax, cutter);
    cutter.end(sql.length());
    return cutter.statements;
  }

  private static final class Cutter implements SqlLexer.Tokens {
    private final String sql;
    private final List<String> statements = new ArrayList<>();
    private int start;
    private int words;
    private boolean code;
    private boolean creates;
    private boolean bodied;
    private int depth;
    /** The word after END: END IF, END LOOP, ... close no counted block; END CASE closes its CASE. */
    private boolean afterEnd;

    Cutter(String sql) {
      this.sql = sql;
    }

    @Override
    public void word(int from, int to) {
      String word = sql.substring(from, to).toUpperCase(Locale.ROOT);
      code = true;
      if (words == 0) {
        creates = word.equals("CREATE");
      } else if (creates && words < KIND_WITHIN && BODIED.contains(word)) {
        bodied = true;
      }
      words++;
      if (!bodied) {
        return;
      }
      boolean named = afterEnd && NAMED_ENDS.contains(word);
      if (afterEnd && (!named || word.equals("CASE"))) {
        depth--; // a plain END (or END CASE): its block closes
      }
      afterEnd = false;
      if (named) {
        return;
      }
      if (word.equals("BEGIN") || word.equals("CASE")) {
        depth++;
      } else if (word.equals("END") && depth > 0) {
        afterEnd = true;
      }
    }

    @Override
    public void semicolon(int at) {
      if (afterEnd) {
        depth--;
        afterEnd = false;
      }
      if (depth > 0) {
        return;
      }
      end(at);
      start = at + 1;
    }

    @Override
    public void other(char c) {
      if (Character.isWhitespace(c)) {
        return;
      }
      if (afterEnd) {
        depth--;
        afterEnd = false;
      }
      code = true;
    }

    void end(int at) {
      if (afterEnd) {
        depth--;
        afterEnd = false;
      }
      if (code) {
        statements.add(sql.substring(start, at).strip());
      }
      words = 0;
      code = false;
      creates = false;
      bodied = false;
      depth = 0;
    }
  }
}
