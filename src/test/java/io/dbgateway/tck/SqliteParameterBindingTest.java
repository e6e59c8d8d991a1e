package io.dbgateway.tck;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * SQLite stores any value in any column, converting it by the column's affinity: a string that reads as
 * a number becomes one in an INTEGER, REAL or NUMERIC column, a number becomes text in a TEXT column.
 * Values are read back as {@code typeof(v):v}, so a case shows the storage class the affinity chose.
 */
class SqliteParameterBindingTest extends ParameterBindingTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String asText(String expression) {
    return "typeof(" + expression + ") || ':' || CAST(" + expression + " AS TEXT)";
  }

  @Override
  protected List<Case> cases() {
    return List.of(
        accepts("INTEGER", "12", "integer:12"), accepts("INTEGER", 12, "integer:12"),
        accepts("INTEGER", "abc", "text:abc"), accepts("INTEGER", "1.5", "real:1.5"),
        accepts("NUMERIC", new java.math.BigInteger("123456789012345678901234567890"), "real:1.2345678901234568e+29"),
        accepts("REAL", "1.5", "real:1.5"), accepts("REAL", 2, "real:2.0"),
        accepts("NUMERIC", "12.50", "real:12.5").withHint("DECIMAL"), accepts("NUMERIC", "12", "integer:12"),
        accepts("TEXT", 42, "text:42"), accepts("TEXT", 1.5, "text:1.5"), accepts("TEXT", true, "text:1"),
        accepts("TEXT", new JsonObject().put("a", 1), "text:{\"a\":1}"),
        accepts("BOOLEAN", true, "integer:1"), accepts("BOOLEAN", "0", "integer:0"),
        accepts("JSON", "{\"a\": 1}", "text:{\"a\": 1}").withHint("JSON"),
        accepts("JSON", new JsonArray().add(1).add("x"), "text:[1,\"x\"]"),
        accepts("DATE", "2024-01-02", "text:2024-01-02").withHint("DATE"),
        accepts("TIMESTAMP", "2024-01-02 03:04:05", "text:2024-01-02 03:04:05").withHint("TIMESTAMP"),
        accepts("ANY", "12", "integer:12"), accepts("BLOB", "12", "text:12"),
        accepts("INTEGER", null, null), accepts("TEXT", null, null));
  }
}
