package io.dbgateway.dataapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.ParamType;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The Data API's Field, both ways, where the SDK checks do not reach: edges of each type. */
class FieldsTest {

  private static final Fields.Options DEFAULT = Fields.Options.DEFAULT;

  private static JsonObject field(String member, Object value) {
    return new JsonObject().put(member, value);
  }

  @Test
  void integersPastALongOrAskedAsStringsAreStringValues() {
    assertThat(Fields.field("9007199254740993", "BIGINT", null, DEFAULT)).isEqualTo(field("longValue", 9007199254740993L));
    assertThat(Fields.field("18446744073709551615", "BIGINT", null, DEFAULT))
        .isEqualTo(field("stringValue", "18446744073709551615"));
    assertThat(Fields.field(7, "INTEGER", null, new Fields.Options(false, true))).isEqualTo(field("stringValue", "7"));
  }

  @Test
  void decimalsAreStringsUnlessAskedAsNumbers() {
    assertThat(Fields.field("12.50", "DECIMAL", null, DEFAULT)).isEqualTo(field("stringValue", "12.50"));
    Fields.Options numbers = new Fields.Options(true, false);
    assertThat(Fields.field("12.50", "NUMERIC", null, numbers)).isEqualTo(field("doubleValue", 12.5));
    assertThat(Fields.field("1200", "DECIMAL", null, numbers)).isEqualTo(field("longValue", 1200L));
  }

  @Test
  void nonFiniteFloatsTimesAndJsonBecomeStrings() {
    assertThat(Fields.field("NaN", "DOUBLE", null, DEFAULT)).isEqualTo(field("stringValue", "NaN"));
    assertThat(Fields.field("2024-01-31T23:59:30.5Z", "TIMESTAMP_WITH_TIMEZONE", null, DEFAULT))
        .isEqualTo(field("stringValue", "2024-01-31 23:59:30.5"));
    assertThat(Fields.field(new JsonObject().put("a", 1), "OTHER", null, DEFAULT)).isEqualTo(field("stringValue", "{\"a\":1}"));
    assertThat(Fields.field(null, "VARCHAR", null, DEFAULT)).isEqualTo(field("isNull", true));
  }

  @Test
  void aJsonDocumentIsItsTextWhateverItsTopLevel() {
    for (String type : new String[] {"jsonb", "json", "JSON"}) {
      assertThat(Fields.field(new JsonArray().add(1).add("a"), "OTHER", type, DEFAULT)).as(type)
          .isEqualTo(field("stringValue", "[1,\"a\"]"));
      assertThat(Fields.field("str", "OTHER", type, DEFAULT)).as(type).isEqualTo(field("stringValue", "\"str\""));
      assertThat(Fields.field(5, "OTHER", type, DEFAULT)).as(type).isEqualTo(field("stringValue", "5"));
      assertThat(Fields.field(true, "OTHER", type, DEFAULT)).as(type).isEqualTo(field("stringValue", "true"));
    }
    assertThat(Fields.field(new JsonArray().add(new JsonObject().put("a", 1)).add("s").addNull(), "ARRAY", "_jsonb", DEFAULT))
        .isEqualTo(field("arrayValue", field("stringValues", new JsonArray().add("{\"a\":1}").add("\"s\"").addNull())));
  }

  @Test
  void aYearIsAStringValue() {
    assertThat(Fields.field(2017, "SMALLINT", "YEAR", DEFAULT)).isEqualTo(field("stringValue", "2017"));
    assertThat(Fields.field(2017, "SMALLINT", "SMALLINT", DEFAULT)).isEqualTo(field("longValue", 2017L));
  }

  @Test
  void aValueThatDoesNotFitItsColumnTypeKeepsItsOwnType() {
    // SQLite lets an INTEGER column hold text, and a column without a declared type hold anything.
    assertThat(Fields.field("abc", "INTEGER", null, DEFAULT)).isEqualTo(field("stringValue", "abc"));
    assertThat(Fields.field(true, "OTHER", null, DEFAULT)).isEqualTo(field("booleanValue", true));
    assertThat(Fields.field(2.5, "VARCHAR", null, DEFAULT)).isEqualTo(field("doubleValue", 2.5));
  }

  @Test
  void arraysPickTheirMemberByTheirElements() {
    assertThat(Fields.field(new JsonArray().add(1).add(2.5), "ARRAY", null, DEFAULT))
        .isEqualTo(field("arrayValue", field("doubleValues", new JsonArray().add(1.0).add(2.5))));
    assertThat(Fields.field(new JsonArray().addNull().add(3), "ARRAY", null, DEFAULT))
        .isEqualTo(field("arrayValue", field("longValues", new JsonArray().addNull().add(3))));
    assertThat(Fields.field(new JsonArray(), "ARRAY", null, DEFAULT))
        .isEqualTo(field("arrayValue", field("stringValues", new JsonArray())));
  }

  @Test
  void plainValuesAreWhatFormattedRecordsHold() {
    assertThat(Fields.plain(field("isNull", true))).isNull();
    assertThat(Fields.plain(field("blobValue", "AAE="))).isEqualTo("AAE=");
    JsonObject nested = field("arrayValue", field("arrayValues", new JsonArray()
        .add(field("longValues", new JsonArray().add(1))).add(field("longValues", new JsonArray().add(2)))));
    assertThat(Fields.plain(nested)).isEqualTo(new JsonArray().add(new JsonArray().add(1)).add(new JsonArray().add(2)));
  }

  @Test
  void parametersCarryTheirDeclaredType() {
    assertThat(Fields.param(field("stringValue", "1.5"), "DECIMAL", "d")).isEqualTo(new Fields.Param("1.5", ParamType.DECIMAL));
    assertThat(Fields.param(field("blobValue", "AAE="), null, "b")).isEqualTo(new Fields.Param("AAE=", ParamType.BINARY));
    assertThat(Fields.param(field("isNull", true), "UUID", "u")).isEqualTo(new Fields.Param(null, ParamType.UUID));
    assertThat(Fields.param(field("longValue", 5), "DECIMAL", "l")).isEqualTo(new Fields.Param(5, null));
    assertThat(Fields.param(field("arrayValue", field("arrayValues", new JsonArray().add(field("longValues",
        new JsonArray().add(1))))), null, "a")).isEqualTo(new Fields.Param(new JsonArray().add(new JsonArray().add(1)), null));
  }

  @Test
  void malformedParametersAreBadRequests() {
    for (Object bad : new Object[] {"text", new JsonObject(), field("isNull", false), field("longValue", 1.5),
        field("stringValue", 1), field("nope", 1), field("longValue", 1).put("stringValue", "x"),
        field("arrayValue", field("longValues", new JsonArray().add("x"))), field("arrayValue", new JsonObject())}) {
      assertThatThrownBy(() -> Fields.param(bad, null, "p")).as(String.valueOf(bad)).isInstanceOf(GatewayException.class)
          .hasMessageStartingWith("parameter 'p'");
    }
    assertThatThrownBy(() -> Fields.param(field("stringValue", "x"), "MONEY", "p"))
        .hasMessageContaining("typeHint must be one of");
  }
}
