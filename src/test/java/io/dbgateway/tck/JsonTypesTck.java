package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract's JSON type table (api.md section 3), one test per type, the same on every engine:
 * each test creates its own table with the engine's column type for the case, inserts through
 * parameters over real HTTP, selects, and checks the exact JSON value and {@code columns[].type}.
 *
 * <p>What differs between engines (the DDL type name, and the JDBC type name where the engines' own
 * JDBC drivers name the same thing differently) lives in one place per engine: {@link #columnType}.
 */
public abstract class JsonTypesTck {

  /** The cases of the type table. */
  protected enum Kind {
    BIGINT, SMALLINT, DECIMAL, DOUBLE, BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, BYTES, JSON, UUID, TEXT
  }

  /**
   * How an engine declares a kind of column, and the JDBC type name the gateway must report for it.
   *
   * @param ddl the column type in {@code CREATE TABLE}
   * @param jdbc the expected {@code columns[].type}
   */
  protected record ColumnType(String ddl, String jdbc) {}

  protected abstract Engine engine();

  /** This engine's column type for a kind: the one place where the engines' DDL differs. */
  protected abstract ColumnType columnType(Kind kind);

  /** The SQL that turns a bytes parameter (see {@link #bytesParam}) into a value for a bytes column. */
  protected String bytesInsert() {
    return "?";
  }

  /** The parameter that carries {@code bytes}: base64 unless the engine needs another spelling. */
  protected Object bytesParam(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  // ---- integers ----

  @Test
  void bigintPastTwoToThe53IsAString() {
    String table = table(Kind.BIGINT);
    insert(table, 9007199254740993L, -9007199254740993L, Long.MAX_VALUE, Long.MIN_VALUE);
    assertColumn(table, Kind.BIGINT,
        "9007199254740993", "-9007199254740993", "9223372036854775807", "-9223372036854775808");
  }

  @Test
  void smallBigintIsANumber() {
    String table = table(Kind.BIGINT);
    insert(table, 42L, -7L, 0L, 9007199254740992L);
    assertColumn(table, Kind.BIGINT, 42, -7, 0, 9007199254740992L);
    JsonArray rows = select(table).getJsonArray("rows");
    assertThat(rows.getJsonArray(0).getValue(0)).isInstanceOf(Number.class);
    assertThat(rows.getJsonArray(3).getValue(0)).as("2^53 itself is still exact").isInstanceOf(Number.class);
  }

  @Test
  void smallIntegerIsANumberNotABoolean() {
    String table = table(Kind.SMALLINT);
    insert(table, 5, 1, 0, -128, 127);
    assertColumn(table, Kind.SMALLINT, 5, 1, 0, -128, 127);
  }

  // ---- decimals and floating point ----

  @Test
  void decimalIsAStringWithoutPrecisionLoss() {
    String table = table(Kind.DECIMAL);
    insert(table, "12345678901234567890.1234567890", "-0.0000000001", "0.5000000000");
    JsonArray rows = select(table).getJsonArray("rows");
    assertThat(rows.getJsonArray(0).getValue(0)).isEqualTo("12345678901234567890.1234567890");
    assertThat(rows.getJsonArray(1).getValue(0)).isInstanceOf(String.class);
    assertThat(new java.math.BigDecimal(rows.getJsonArray(1).getString(0)))
        .isEqualByComparingTo("-0.0000000001");
    assertThat(rows.getJsonArray(2).getValue(0)).isInstanceOf(String.class);
    assertThat(new java.math.BigDecimal(rows.getJsonArray(2).getString(0))).isEqualByComparingTo("0.5");
    assertType(select(table), Kind.DECIMAL);
  }

  @Test
  void floatingPointIsANumber() {
    String table = table(Kind.DOUBLE);
    insert(table, 1.5, -0.1, 1e300, 3);
    assertColumn(table, Kind.DOUBLE, 1.5, -0.1, 1e300, 3.0);
    JsonArray rows = select(table).getJsonArray("rows");
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.getJsonArray(i).getValue(0)).isInstanceOf(Number.class);
    }
  }

  // ---- booleans ----

  @Test
  void booleanIsTrueOrFalse() {
    String table = table(Kind.BOOLEAN);
    insert(table, true, false, null);
    assertColumn(table, Kind.BOOLEAN, true, false, null);
  }

  @Test
  void booleanSurvivesExpressionsAndTheObjectsFormat() {
    String table = table(Kind.BOOLEAN);
    insert(table, true, false);
    JsonObject result = query("SELECT v AS flag, id FROM " + table + " WHERE v = ? ORDER BY id", List.of(true), "objects");
    assertThat(result.getJsonArray("rows")).isEqualTo(new JsonArray().add(new JsonObject().put("flag", true).put("id", 1)));
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type"))
        .isEqualTo(columnType(Kind.BOOLEAN).jdbc());
  }

  // ---- date and time ----

  @Test
  void dateIsIso8601() {
    String table = table(Kind.DATE);
    insert(table, "2024-05-06", "1999-12-31");
    assertColumn(table, Kind.DATE, "2024-05-06", "1999-12-31");
  }

  @Test
  void timeIsIso8601WithSeconds() {
    String table = table(Kind.TIME);
    insert(table, "07:08:09", "23:59:00", "00:00:00", "12:34:56.5");
    assertColumn(table, Kind.TIME, "07:08:09", "23:59:00", "00:00:00", "12:34:56.5");
  }

  @Test
  void timestampWithoutZoneIsIso8601WithoutZone() {
    String table = table(Kind.TIMESTAMP);
    insert(table, "2024-05-06T07:08:09", "2024-05-06 23:59:00", "2000-01-01T00:00:00.25");
    assertColumn(table, Kind.TIMESTAMP, "2024-05-06T07:08:09", "2024-05-06T23:59:00", "2000-01-01T00:00:00.25");
  }

  @Test
  void timestampWithZoneIsUtcWithZ() {
    String table = table(Kind.TIMESTAMPTZ);
    for (String value : timestampWithZoneInputs()) {
      insert(table, value);
    }
    assertColumn(table, Kind.TIMESTAMPTZ, "2024-05-06T07:08:09Z", "2024-12-31T23:00:00Z", "2000-01-01T00:00:00.25Z");
  }

  /**
   * The instants 2024-05-06T07:08:09Z, 2024-12-31T23:00:00Z and 2000-01-01T00:00:00.25Z as this
   * engine accepts them in a parameter.
   */
  protected List<String> timestampWithZoneInputs() {
    return List.of("2024-05-06T09:08:09+02:00", "2025-01-01T00:00:00+01:00", "2000-01-01T00:00:00.25Z");
  }

  // ---- bytes ----

  @Test
  void bytesAreBase64() {
    String table = table(Kind.BYTES);
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    byte[] some = {0, 1, 2, (byte) 0xfd, (byte) 0xfe, (byte) 0xff};
    int id = 1;
    for (byte[] bytes : List.of(some, all)) {
      query("INSERT INTO " + table + " (id, v) VALUES (?, " + bytesInsert() + ")", Arrays.asList(id++, bytesParam(bytes)));
    }
    assertColumn(table, Kind.BYTES, "AAEC/f7/", Base64.getEncoder().encodeToString(all));
  }

  // ---- JSON ----

  @Test
  void jsonColumnIsEmbeddedJson() {
    String table = table(Kind.JSON);
    JsonObject document = new JsonObject().put("a", 1).put("b", new JsonArray().add(true).addNull().add("x"))
        .put("c", new JsonObject().put("d", "é ü 😀"));
    insert(table, document.encode(), "[1,2,3]", "\"text\"", null);
    JsonObject result = select(table);
    JsonArray rows = result.getJsonArray("rows");
    assertThat(rows.getJsonArray(0).getValue(0)).isInstanceOf(JsonObject.class).isEqualTo(document);
    assertThat(rows.getJsonArray(1).getValue(0)).isInstanceOf(JsonArray.class).isEqualTo(new JsonArray("[1,2,3]"));
    assertThat(rows.getJsonArray(2).getValue(0)).isEqualTo("text");
    assertThat(rows.getJsonArray(3).getValue(0)).isNull();
    assertType(result, Kind.JSON);
  }

  /**
   * On /v1 a document of any top level is embedded as JSON (the Data API returns its text instead, by
   * the column's type name, which {@code columnMetadata} reports).
   */
  @Test
  void jsonScalarsAtTheTopLevelAreEmbeddedAndTheColumnNamesItsType() {
    String table = table(Kind.JSON);
    insert(table, "5", "2.5", "true", "\"str\"", "[\"a\", 1]");
    assertColumn(table, Kind.JSON, 5, 2.5, true, "str", new JsonArray().add("a").add(1));
    JsonObject body = new JsonObject().put("sql", "SELECT v FROM " + table).put("columnMetadata", true);
    GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getJsonArray("columns").getJsonObject(0).getString("typeName"))
        .isEqualToIgnoringCase(jsonTypeName());
  }

  /** The engine's own name of the {@link Kind#JSON} column's type, as {@code columnMetadata} reports it. */
  protected String jsonTypeName() {
    return "JSON";
  }

  @Test
  void jsonObjectParameterIsStoredAsJson() {
    String table = table(Kind.JSON);
    JsonObject document = new JsonObject().put("k", "v").put("n", 12);
    query("INSERT INTO " + table + " (id, v) VALUES (1, ?)", Arrays.asList(document));
    assertColumn(table, Kind.JSON, document);
  }

  // ---- UUID, text, null ----

  @Test
  void uuidIsAString() {
    String table = table(Kind.UUID);
    insert(table, "0f8fad5b-d9cb-469f-a165-70867728950e", "00000000-0000-0000-0000-000000000000");
    assertColumn(table, Kind.UUID, "0f8fad5b-d9cb-469f-a165-70867728950e", "00000000-0000-0000-0000-000000000000");
  }

  @Test
  void textIsAString() {
    String table = table(Kind.TEXT);
    insert(table, "plain", "é ü 😀", "{\"not\": \"json\"}", "");
    assertColumn(table, Kind.TEXT, "plain", "é ü 😀", "{\"not\": \"json\"}", "");
  }

  @Test
  void nullIsJsonNullInEveryKindOfColumn() {
    for (Kind kind : Kind.values()) {
      if (columnType(kind) == null) {
        continue;
      }
      String table = table(kind);
      insert(table, (Object) null);
      JsonObject result = query("SELECT v FROM " + table, List.of(), "objects");
      JsonObject row = result.getJsonArray("rows").getJsonObject(0);
      assertThat(row.containsKey("v")).as(kind + ": the column is present").isTrue();
      assertThat(row.getValue("v")).as(kind.toString()).isNull();
      assertType(result, kind);
    }
  }

  // ---- helpers ----

  /** Creates a fresh table {@code (id, v)} with {@code v} of the engine's type for {@code kind}. */
  protected String table(Kind kind) {
    ColumnType type = columnType(kind);
    assertThat(type).as("this engine has no " + kind + " column").isNotNull();
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v " + type.ddl() + ")", List.of());
    return table;
  }

  /** Inserts one row per value, with ids 1, 2, ... in order. */
  protected void insert(String table, Object... values) {
    Integer next = nextId(table);
    for (Object value : values) {
      query("INSERT INTO " + table + " (id, v) VALUES (?, ?)", Arrays.asList(next++, value));
    }
  }

  private Integer nextId(String table) {
    JsonObject result = query("SELECT COUNT(*) FROM " + table, List.of());
    return ((Number) result.getJsonArray("rows").getJsonArray(0).getValue(0)).intValue() + 1;
  }

  /** {@code SELECT v FROM table ORDER BY id}, rows as arrays. */
  protected JsonObject select(String table) {
    return query("SELECT v FROM " + table + " ORDER BY id", List.of());
  }

  /** Checks the column's values, in id order, and its JDBC type name. */
  protected void assertColumn(String table, Kind kind, Object... expected) {
    JsonObject result = select(table);
    JsonArray rows = new JsonArray();
    for (Object value : expected) {
      rows.add(new JsonArray().add(value));
    }
    assertThat(result.getJsonArray("rows")).as(kind + " values of " + result.encode()).isEqualTo(rows);
    assertType(result, kind);
  }

  protected void assertType(JsonObject result, Kind kind) {
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type"))
        .as(kind + " column type in " + result.getJsonArray("columns").encode())
        .isEqualTo(columnType(kind).jdbc());
  }

  /** Runs one statement over HTTP, expecting success; rows come back as arrays. */
  protected JsonObject query(String sql, List<?> params) {
    return query(sql, params, "arrays");
  }

  protected JsonObject query(String sql, List<?> params, String format) {
    JsonObject body = new JsonObject().put("sql", sql).put("params", new JsonArray(new java.util.ArrayList<>(params)))
        .put("format", format);
    GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
    assertThat(response.status()).as(sql + " " + body.getJsonArray("params").encode() + " -> " + response.body())
        .isEqualTo(200);
    return response.json();
  }

  protected static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
