package io.dbgateway.tck;

import io.dbgateway.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * MariaDB converts a value to its column's type itself, as it converts a literal: numbers as strings,
 * strings as numbers, dates as text, an enum's or a set's members by name or by number. Values are read
 * back as {@code CAST(v AS CHAR)}.
 */
class MariaDbParameterBindingTest extends ParameterBindingTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String asText(String expression) {
    return "CAST(" + expression + " AS CHAR)";
  }

  @Override
  protected List<Case> cases() {
    return List.of(
        accepts("INT", "12", "12"), accepts("INT", 12, "12"), accepts("INT", 1.5, "2"),
        refuses("INT", "abc", ErrorCode.SQL_ERROR, "22007"),
        accepts("BIGINT", "9007199254740993", "9007199254740993"), accepts("BIGINT", 9007199254740993L, "9007199254740993"),
        accepts("DECIMAL(10,2)", "12.5", "12.50").withHint("DECIMAL"), accepts("DECIMAL(10,2)", 12.5, "12.50"),
        accepts("BIGINT UNSIGNED", new java.math.BigInteger("18446744073709551615"), "18446744073709551615"),
        accepts("DECIMAL(30,0)", new java.math.BigInteger("123456789012345678901234567890"), "123456789012345678901234567890"),
        accepts("DOUBLE", "1.5", "1.5"), accepts("DOUBLE", 1.5, "1.5"),
        accepts("VARCHAR(20)", 42, "42"), accepts("VARCHAR(20)", 1.5, "1.5"), accepts("VARCHAR(20)", true, "1"),
        accepts("TEXT", new JsonObject().put("a", 1), "{\"a\":1}"),
        accepts("BOOLEAN", true, "1"), accepts("BOOLEAN", "1", "1"), accepts("BOOLEAN", false, "0"),
        accepts("JSON", "{\"a\": 1}", "{\"a\": 1}").withHint("JSON"), accepts("JSON", new JsonObject().put("a", 1), "{\"a\":1}"),
        accepts("JSON", new JsonArray().add(1).add("x"), "[1,\"x\"]"),
        refuses("JSON", "{not json", ErrorCode.CONFLICT, "23000"),
        accepts("DATE", "2024-01-02", "2024-01-02").withHint("DATE"), accepts("DATE", 20240102, "2024-01-02"),
        refuses("DATE", "not a date", ErrorCode.SQL_ERROR, "22007"),
        accepts("DATETIME", "2024-01-02 03:04:05", "2024-01-02 03:04:05").withHint("TIMESTAMP"),
        accepts("DATETIME", "2024-01-02T03:04:05", "2024-01-02 03:04:05"),
        accepts("TIME", "10:11:12", "10:11:12").withHint("TIME"),
        accepts("BIT(8)", 5, "101").readAs("BIN({v})"),
        accepts("YEAR", "2024", "2024"), accepts("YEAR", 2024, "2024"),
        accepts("ENUM('sad','ok','happy')", "ok", "ok"), accepts("ENUM('sad','ok','happy')", 3, "happy"),
        refuses("ENUM('sad','ok','happy')", "angry", ErrorCode.SQL_ERROR, "01000"),
        accepts("SET('x','y','z')", "x,z", "x,z"), accepts("SET('x','y','z')", 5, "x,z"),
        accepts("UUID", "0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e").withHint("UUID"),
        accepts("INET6", "::1", "::1"),
        accepts("INT", null, null), accepts("JSON", null, null), accepts("ENUM('sad','ok','happy')", null, null));
  }
}
