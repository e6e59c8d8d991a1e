package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class MariaDbJsonTypesTest extends JsonTypesTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected ColumnType columnType(Kind kind) {
    return switch (kind) {
      case BIGINT -> new ColumnType("BIGINT", "BIGINT");
      case SMALLINT -> new ColumnType("TINYINT(4)", "TINYINT");
      case DECIMAL -> new ColumnType("DECIMAL(30,10)", "DECIMAL");
      case DOUBLE -> new ColumnType("DOUBLE", "DOUBLE");
      case BOOLEAN -> new ColumnType("BOOLEAN", "BOOLEAN"); // TINYINT(1)
      case DATE -> new ColumnType("DATE", "DATE");
      case TIME -> new ColumnType("TIME(6)", "TIME");
      case TIMESTAMP -> new ColumnType("DATETIME(6)", "TIMESTAMP");
      case TIMESTAMPTZ -> new ColumnType("TIMESTAMP(6) NULL", "TIMESTAMP_WITH_TIMEZONE");
      case BYTES -> new ColumnType("BLOB", "BLOB");
      case JSON -> new ColumnType("JSON", "OTHER"); // LONGTEXT with a JSON_VALID check
      case UUID -> new ColumnType("UUID", "CHAR");
      case TEXT -> new ColumnType("TEXT", "VARCHAR");
    };
  }

  @Override
  protected String bytesInsert() {
    return "FROM_BASE64(?)";
  }

  /** MariaDB takes no offset in a datetime literal; sessions run in UTC, so these are the UTC instants. */
  @Override
  protected List<String> timestampWithZoneInputs() {
    return List.of("2024-05-06 07:08:09", "2024-12-31T23:00:00", "2000-01-01 00:00:00.25");
  }

  @Test
  void tinyint1IsBooleanButTinyint4AndOtherIntegersAreNumbers() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, b TINYINT(1), u TINYINT(1) UNSIGNED, t TINYINT(4), "
        + "s SMALLINT, bit1 BIT(1))", List.of());
    query("INSERT INTO " + table + " VALUES (1, 1, 0, 1, 1, b'1'), (2, 0, 1, 0, 0, b'0')", List.of());
    JsonObject result = query("SELECT b, u, t, s, bit1 FROM " + table + " ORDER BY id", List.of(), "objects");
    assertThat(result.getJsonArray("rows").encode()).isEqualTo(
        "[{\"b\":true,\"u\":false,\"t\":1,\"s\":1,\"bit1\":true},{\"b\":false,\"u\":true,\"t\":0,\"s\":0,\"bit1\":false}]");
    assertThat(result.getJsonArray("columns").encode()).isEqualTo("[{\"name\":\"b\",\"type\":\"BOOLEAN\"},"
        + "{\"name\":\"u\",\"type\":\"BOOLEAN\"},{\"name\":\"t\",\"type\":\"TINYINT\"},{\"name\":\"s\",\"type\":\"SMALLINT\"},"
        + "{\"name\":\"bit1\",\"type\":\"BOOLEAN\"}]");
  }

  @Test
  void jsonColumnIsEmbeddedButLongtextIsNot() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, j JSON, t LONGTEXT)", List.of());
    query("INSERT INTO " + table + " VALUES (1, ?, ?)", List.of("{\"a\":[1,2]}", "{\"a\":[1,2]}"));
    JsonObject result = query("SELECT j, t FROM " + table, List.of(), "objects");
    JsonObject row = result.getJsonArray("rows").getJsonObject(0);
    assertThat(row.getValue("j")).isEqualTo(new JsonObject("{\"a\":[1,2]}"));
    assertThat(row.getValue("t")).isEqualTo("{\"a\":[1,2]}");
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("OTHER");
    assertThat(result.getJsonArray("columns").getJsonObject(1).getString("type")).isEqualTo("VARCHAR");
  }

  /** A YEAR is a number on /v1, as its driver reads it; {@code columnMetadata} names it (the Data API returns text). */
  @Test
  void yearIsANumberNamedYear() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v YEAR)", List.of());
    query("INSERT INTO " + table + " VALUES (1, 2017), (2, NULL)", List.of());
    JsonObject body = new JsonObject().put("sql", "SELECT v FROM " + table + " ORDER BY id").put("columnMetadata", true)
        .put("format", "arrays");
    GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getJsonArray("rows").encode()).isEqualTo("[[2017],[null]]");
    JsonObject column = response.json().getJsonArray("columns").getJsonObject(0);
    assertThat(column.getString("type")).isEqualTo("SMALLINT");
    assertThat(column.getString("typeName")).isEqualTo("YEAR");
    assertThat(column.getBoolean("signed")).isFalse();
  }

  @Test
  void unsignedBigintPastTwoToThe53IsAString() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v BIGINT UNSIGNED)", List.of());
    query("INSERT INTO " + table + " VALUES (1, 18446744073709551615), (2, 7)", List.of());
    assertColumn(table, Kind.BIGINT, "18446744073709551615", 7);
  }
}
