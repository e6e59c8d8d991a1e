package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteJsonTypesTest extends JsonTypesTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  /** SQLite stores few types: the declared type decides what a value becomes. */
  @Override
  protected ColumnType columnType(Kind kind) {
    return switch (kind) {
      case BIGINT -> new ColumnType("BIGINT", "BIGINT");
      case SMALLINT -> new ColumnType("TINYINT", "TINYINT");
      // TEXT affinity stores a decimal exactly; NUMERIC affinity (DECIMAL(30,10)) keeps 15-17 digits.
      case DECIMAL -> new ColumnType("DECIMAL_TEXT(30,10)", "DECIMAL");
      case DOUBLE -> new ColumnType("DOUBLE", "DOUBLE");
      case BOOLEAN -> new ColumnType("BOOLEAN", "BOOLEAN");
      case DATE -> new ColumnType("DATE", "DATE");
      case TIME -> new ColumnType("TIME", "TIME");
      case TIMESTAMP -> new ColumnType("TIMESTAMP", "TIMESTAMP");
      case TIMESTAMPTZ -> new ColumnType("TIMESTAMPTZ", "TIMESTAMP_WITH_TIMEZONE");
      case BYTES -> new ColumnType("BLOB", "BLOB");
      case JSON -> new ColumnType("JSON", "OTHER");
      case UUID -> new ColumnType("UUID", "OTHER");
      case TEXT -> new ColumnType("TEXT", "VARCHAR");
    };
  }

  @Override
  protected String bytesInsert() {
    return "unhex(?)";
  }

  @Override
  protected Object bytesParam(byte[] bytes) {
    return hex(bytes);
  }

  /** DECIMAL(30,10) has NUMERIC affinity: SQLite stores these as REAL or INTEGER; they are still strings. */
  @Test
  void decimalsWithNumericAffinityAreStillPlainStrings() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v DECIMAL(30,10))", List.of());
    insert(table, "1.25", 42, "0.1", "-0.0000000001", "0.5000000000", 1e20);
    assertColumn(table, Kind.DECIMAL, "1.25", "42", "0.1", "-0.0000000001", "0.5", "100000000000000000000");
  }

  @Test
  void zonelessTextInATimestampWithZoneColumnIsUtc() {
    String table = table(Kind.TIMESTAMPTZ);
    insert(table, "2024-05-06 07:08:09");
    query("INSERT INTO " + table + " (id) VALUES (2)", List.of());
    query("UPDATE " + table + " SET v = CURRENT_TIMESTAMP WHERE id = 2", List.of());
    JsonObject result = select(table);
    assertThat(result.getJsonArray("rows").getJsonArray(0).getValue(0)).isEqualTo("2024-05-06T07:08:09Z");
    assertThat(result.getJsonArray("rows").getJsonArray(1).getString(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }

  @Test
  void integersInABooleanColumnAreBooleans() {
    String table = table(Kind.BOOLEAN);
    insert(table, 1, 0);
    assertColumn(table, Kind.BOOLEAN, true, false);
  }
}
