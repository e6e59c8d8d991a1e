package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresJsonTypesTest extends JsonTypesTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected ColumnType columnType(Kind kind) {
    return switch (kind) {
      case BIGINT -> new ColumnType("bigint", "BIGINT");
      case SMALLINT -> new ColumnType("smallint", "SMALLINT");
      case DECIMAL -> new ColumnType("numeric(30,10)", "NUMERIC");
      case DOUBLE -> new ColumnType("double precision", "DOUBLE");
      case BOOLEAN -> new ColumnType("boolean", "BOOLEAN");
      case DATE -> new ColumnType("date", "DATE");
      case TIME -> new ColumnType("time", "TIME");
      case TIMESTAMP -> new ColumnType("timestamp", "TIMESTAMP");
      case TIMESTAMPTZ -> new ColumnType("timestamptz", "TIMESTAMP_WITH_TIMEZONE");
      case BYTES -> new ColumnType("bytea", "BINARY");
      case JSON -> new ColumnType("json", "OTHER");
      case UUID -> new ColumnType("uuid", "OTHER");
      case TEXT -> new ColumnType("text", "VARCHAR");
    };
  }

  @Override
  protected String jsonTypeName() {
    return "json";
  }

  @Test
  void bytesInsertedWithDecodeAreBase64() {
    String table = table(Kind.BYTES);
    query("INSERT INTO " + table + " (id, v) VALUES (1, decode(?, 'base64'))", List.of("AAEC/f7/"));
    assertColumn(table, Kind.BYTES, "AAEC/f7/");
  }

  @Test
  void jsonbColumnIsEmbeddedJson() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v jsonb)", List.of());
    JsonObject document = new JsonObject().put("b", new JsonArray().add(1).add(2)).put("a", "x");
    query("INSERT INTO " + table + " (id, v) VALUES (1, ?)", Arrays.asList(document));
    query("INSERT INTO " + table + " (id, v) VALUES (2, ?)", Arrays.asList("[true, null]"));
    query("INSERT INTO " + table + " (id, v) VALUES (3, ?)", Arrays.asList(new JsonArray().add("y")));
    assertColumn(table, Kind.JSON, document, new JsonArray().add(true).addNull(), new JsonArray().add("y"));
  }

  @Test
  void arraysAreJsonArrays() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, i int[], b bigint[], t text[], n numeric[], "
        + "f boolean[], d date[])", List.of());
    query("INSERT INTO " + table + " (id, i, b, t, n, f, d) VALUES (1, ?, ?, ?, ?, ?, ?)", Arrays.asList(
        new JsonArray().add(1).add(2).addNull(),
        new JsonArray().add(9007199254740993L).add(5),
        new JsonArray().add("a").add("b c"),
        new JsonArray().add("12345678901234567890.1234567890"),
        new JsonArray().add(true).add(false),
        new JsonArray().add("2024-05-06")));
    JsonObject result = query("SELECT i, b, t, n, f, d, ARRAY[]::int[] AS e FROM " + table, List.of(), "objects");
    JsonObject row = result.getJsonArray("rows").getJsonObject(0);
    assertThat(row.getValue("i")).isEqualTo(new JsonArray().add(1).add(2).addNull());
    assertThat(row.getValue("b")).isEqualTo(new JsonArray().add("9007199254740993").add(5));
    assertThat(row.getValue("t")).isEqualTo(new JsonArray().add("a").add("b c"));
    assertThat(row.getValue("n")).isEqualTo(new JsonArray().add("12345678901234567890.1234567890"));
    assertThat(row.getValue("f")).isEqualTo(new JsonArray().add(true).add(false));
    assertThat(row.getValue("d")).isEqualTo(new JsonArray().add("2024-05-06"));
    assertThat(row.getValue("e")).isEqualTo(new JsonArray());
    JsonArray columns = result.getJsonArray("columns");
    for (int i = 0; i < columns.size(); i++) {
      assertThat(columns.getJsonObject(i).getString("type")).as(columns.encode()).isEqualTo("ARRAY");
    }
  }

  @Test
  void timeWithTimeZoneIsUtcWithZ() {
    JsonObject result = query("SELECT '09:08:09+02'::timetz AS v", List.of());
    assertThat(result.getJsonArray("rows").getJsonArray(0).getValue(0)).isEqualTo("07:08:09Z");
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("TIME_WITH_TIMEZONE");
  }

  @Test
  void intervalIsAnIso8601Duration() {
    JsonObject result = query("SELECT interval '1 year 2 months 3 days 04:05:06.5' AS a, interval '0' AS b, "
        + "interval '90 minutes' AS c", List.of(), "objects");
    assertThat(result.getJsonArray("rows").getJsonObject(0))
        .isEqualTo(new JsonObject().put("a", "P1Y2M3DT4H5M6.5S").put("b", "PT0S").put("c", "PT1H30M"));
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("OTHER");
  }

  @Test
  void networkAddressesAreStrings() {
    JsonObject result = query("SELECT '192.168.1.5/24'::inet AS i, '10.0.0.0/8'::cidr AS c, '::1'::inet AS v6",
        List.of(), "objects");
    assertThat(result.getJsonArray("rows").getJsonObject(0).getString("i")).isEqualTo("192.168.1.5/24");
    assertThat(result.getJsonArray("rows").getJsonObject(0).getString("c")).isEqualTo("10.0.0.0/8");
    assertThat(result.getJsonArray("rows").getJsonObject(0).getString("v6")).startsWith("0:0:0:0:0:0:0:1");
  }

  @Test
  void stringThatIsNotJsonTextIsRefusedForAJsonColumn() {
    String table = table(Kind.JSON);
    JsonObject body = new JsonObject().put("sql", "INSERT INTO " + table + " (id, v) VALUES (1, ?)")
        .put("params", new JsonArray().add("{not json"));
    GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().getString("code")).isEqualTo("BAD_REQUEST");
  }

  @Test
  void stringsAreCoercedToTheTypeTheServerInferred() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, b boolean, u uuid, n numeric, t timestamptz)", List.of());
    query("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)", Arrays.asList("1", "true",
        "0f8fad5b-d9cb-469f-a165-70867728950e", "0.10", "2024-05-06T07:08:09"));
    JsonObject row = query("SELECT b, u, n, t FROM " + table, List.of(), "objects").getJsonArray("rows").getJsonObject(0);
    assertThat(row).isEqualTo(new JsonObject().put("b", true).put("u", "0f8fad5b-d9cb-469f-a165-70867728950e")
        .put("n", "0.10").put("t", "2024-05-06T07:08:09Z"));
  }
}
