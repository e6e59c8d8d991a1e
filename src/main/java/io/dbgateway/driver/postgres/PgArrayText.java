package io.dbgateway.driver.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * The text form of a PostgreSQL array ({@code array_out}) read as nested arrays of element texts:
 * {@code [0:1][1:2]={{a,"b c"},{NULL,"x\"y"}}} is {@code [["a", "b c"], [null, "x\"y"]]}. It is how the
 * gateway reads an array whose element type vertx-pg-client does not know (enums, domains, composite
 * types): the driver would read only one dimension of it, and that from text too. Lower bounds are
 * dropped, as the driver drops them; the delimiter is a comma (only {@code box} has another, and the
 * driver knows that type).
 */
final class PgArrayText {

  private final String text;
  private int at;

  private PgArrayText(String text, int at) {
    this.text = text;
    this.at = at;
  }

  /** The elements of {@code text}, nested one level per dimension; null if it is not an array's text. */
  static Object[] parse(String text) {
    int start = 0;
    if (text.startsWith("[")) {
      start = text.indexOf('=') + 1;
      if (start == 0) {
        return null;
      }
    }
    if (start >= text.length() || text.charAt(start) != '{') {
      return null;
    }
    PgArrayText reader = new PgArrayText(text, start);
    try {
      Object[] array = reader.array();
      return reader.at == text.length() ? array : null;
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException malformed) {
      return null;
    }
  }

  private Object[] array() {
    expect('{');
    List<Object> elements = new ArrayList<>();
    skipSpaces();
    if (text.charAt(at) == '}') {
      at++;
      return elements.toArray();
    }
    while (true) {
      skipSpaces();
      char c = text.charAt(at);
      elements.add(c == '{' ? array() : c == '"' ? quoted() : unquoted());
      skipSpaces();
      char next = text.charAt(at++);
      if (next == '}') {
        return elements.toArray();
      }
      if (next != ',') {
        throw new IllegalArgumentException("expected , or } at " + (at - 1));
      }
    }
  }

  private String quoted() {
    expect('"');
    StringBuilder value = new StringBuilder();
    while (true) {
      char c = text.charAt(at++);
      if (c == '"') {
        return value.toString();
      }
      value.append(c == '\\' ? text.charAt(at++) : c);
    }
  }

  /** An element as {@code array_out} writes it unquoted: NULL is SQL's null, anything else its text. */
  private String unquoted() {
    int start = at;
    while (text.charAt(at) != ',' && text.charAt(at) != '}') {
      at++;
    }
    String value = text.substring(start, at).strip();
    if (value.isEmpty() || value.indexOf('{') >= 0 || value.indexOf('"') >= 0) {
      throw new IllegalArgumentException("malformed element at " + start);
    }
    return value.equalsIgnoreCase("NULL") ? null : value;
  }

  private void expect(char c) {
    if (text.charAt(at++) != c) {
      throw new IllegalArgumentException("expected " + c + " at " + (at - 1));
    }
  }

  private void skipSpaces() {
    while (Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }
}
