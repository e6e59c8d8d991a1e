package io.dbgateway.dataapi;

import io.dbgateway.api.ParamType;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Set;

/**
 * The Data API's {@code Field} union, both ways: a parameter's Field as the JSON value (and declared
 * type) the operations take, and a result value (in the contract's JSON, with its column's JDBC type
 * name and the engine's own type name) as a Field, in the forms the Data API returns: decimals as
 * {@code stringValue}, timestamps as {@code 2024-01-31 23:59:30.123} (UTC for a type with a time zone),
 * bytes as {@code blobValue}, JSON documents and MySQL's {@code YEAR} as the {@code stringValue} of their
 * text.
 */
final class Fields {

  /** A parameter's value as the operations take it, and the type it declares (null for none). */
  record Param(Object value, ParamType type) {}

  /** A parameter and the {@code :name} it binds. */
  record NamedParam(String name, Param param) {}

  /** How the request wants decimals and big integers ({@code resultSetOptions}). */
  record Options(boolean decimalsAsNumbers, boolean longsAsStrings) {
    static final Options DEFAULT = new Options(false, false);
  }

  private static final Set<String> MEMBERS =
      Set.of("isNull", "booleanValue", "longValue", "doubleValue", "stringValue", "blobValue", "arrayValue");
  private static final Set<String> INTEGERS = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT");
  private static final Set<String> FLOATS = Set.of("REAL", "FLOAT", "DOUBLE");
  private static final Set<String> DECIMALS = Set.of("DECIMAL", "NUMERIC");
  private static final Set<String> BYTES = Set.of("BINARY", "VARBINARY", "LONGVARBINARY", "BLOB");
  private static final Set<String> TIMES = Set.of("DATE", "TIME", "TIMESTAMP", "TIME_WITH_TIMEZONE",
      "TIMESTAMP_WITH_TIMEZONE");
  /**
   * The engines' names of JSON document types (PostgreSQL's json and jsonb, MySQL's and MariaDB's JSON,
   * a SQLite column declared JSON), whatever their case: whatever a document's top level, its Field is
   * its JSON text, as AWS returns it.
   */
  private static final Set<String> JSON_TYPES = Set.of("json", "jsonb");
  /** PostgreSQL's arrays of JSON documents: their elements are JSON text too. */
  private static final Set<String> JSON_ARRAY_TYPES = Set.of("_json", "_jsonb");

  private Fields() {}

  // ---- parameters ----

  /** {@code field}, the value of parameter {@code name}, with its {@code typeHint} (or null). */
  static Param param(Object field, String typeHint, String name) {
    String where = "parameter '" + name + "'";
    if (!(field instanceof JsonObject value)) {
      throw GatewayException.badRequest(where + " needs a value: a Field object such as {\"longValue\": 1}");
    }
    if (value.size() != 1 || !MEMBERS.contains(value.fieldNames().iterator().next())) {
      throw GatewayException.badRequest(where + " must have exactly one of " + String.join(", ", sorted(MEMBERS)));
    }
    String member = value.fieldNames().iterator().next();
    Object raw = value.getValue(member);
    ParamType hinted = typeHint(typeHint, where);
    switch (member) {
      case "isNull":
        expect(raw instanceof Boolean b && b, where + ".isNull must be true");
        return new Param(null, hinted);
      case "booleanValue":
        expect(raw instanceof Boolean, where + ".booleanValue must be true or false");
        return new Param(raw, null);
      case "longValue":
        expect(raw instanceof Integer || raw instanceof Long, where + ".longValue must be a whole number");
        return new Param(raw, null);
      case "doubleValue":
        expect(raw instanceof Number, where + ".doubleValue must be a number");
        return new Param(((Number) raw).doubleValue(), null);
      case "stringValue":
        expect(raw instanceof String, where + ".stringValue must be a string");
        return new Param(raw, hinted);
      case "blobValue":
        expect(raw instanceof String, where + ".blobValue must be base64 text");
        return new Param(raw, ParamType.BINARY);
      default:
        return new Param(array(raw, where + ".arrayValue"), null);
    }
  }

  private static ParamType typeHint(String typeHint, String where) {
    if (typeHint == null) {
      return null;
    }
    if (!Set.of("DECIMAL", "TIMESTAMP", "DATE", "TIME", "UUID", "JSON").contains(typeHint)) {
      throw GatewayException.badRequest(where + ".typeHint must be one of DATE, DECIMAL, JSON, TIME, TIMESTAMP, UUID");
    }
    return ParamType.valueOf(typeHint);
  }

  /** An {@code ArrayValue} (one of booleanValues, longValues, doubleValues, stringValues, arrayValues) as a JSON array. */
  private static JsonArray array(Object raw, String where) {
    Set<String> members = Set.of("booleanValues", "longValues", "doubleValues", "stringValues", "arrayValues");
    if (!(raw instanceof JsonObject value) || value.size() != 1 || !members.contains(value.fieldNames().iterator().next())) {
      throw GatewayException.badRequest(where + " must have exactly one of " + String.join(", ", sorted(members)));
    }
    String member = value.fieldNames().iterator().next();
    if (!(value.getValue(member) instanceof JsonArray elements)) {
      throw GatewayException.badRequest(where + "." + member + " must be an array");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < elements.size(); i++) {
      Object e = elements.getValue(i);
      String at = where + "." + member + "[" + i + "]";
      switch (member) {
        case "booleanValues" -> expect(e instanceof Boolean, at + " must be true or false");
        case "longValues" -> expect(e instanceof Integer || e instanceof Long, at + " must be a whole number");
        case "doubleValues" -> expect(e instanceof Number, at + " must be a number");
        case "stringValues" -> expect(e instanceof String, at + " must be a string");
        default -> e = array(e, at);
      }
      out.add(e);
    }
    return out;
  }

  private static void expect(boolean ok, String otherwise) {
    if (!ok) {
      throw GatewayException.badRequest(otherwise);
    }
  }

  private static String[] sorted(Set<String> names) {
    return names.stream().sorted().toArray(String[]::new);
  }

  // ---- results ----

  /**
   * A result value as a Field, by its column's JDBC type name and the engine's own name of the type
   * ({@code typeName}, null when unknown).
   */
  static JsonObject field(Object value, String jdbcType, String typeName, Options options) {
    if (value == null) {
      return new JsonObject().put("isNull", true);
    }
    String engineType = typeName == null ? "" : typeName.toLowerCase(java.util.Locale.ROOT);
    if (JSON_TYPES.contains(engineType)) {
      return new JsonObject().put("stringValue", Json.encode(value));
    }
    if (JSON_ARRAY_TYPES.contains(engineType) && value instanceof JsonArray documents) {
      return new JsonObject().put("arrayValue", jsonTexts(documents));
    }
    if (engineType.equals("year")) {
      // MySQL's YEAR: a number on /v1 (its driver reads a SMALLINT); drivers of the Data API read text.
      return new JsonObject().put("stringValue", value.toString());
    }
    if (INTEGERS.contains(jdbcType) && (value instanceof Number || value instanceof String)) {
      return integer(value, options);
    }
    if (FLOATS.contains(jdbcType) && value instanceof Number n) {
      return new JsonObject().put("doubleValue", n.doubleValue());
    }
    if (DECIMALS.contains(jdbcType) && value instanceof String text && options.decimalsAsNumbers()) {
      BigDecimal decimal = new BigDecimal(text);
      return decimal.scale() <= 0 && decimal.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
          ? integer(decimal.longValueExact(), options) : new JsonObject().put("doubleValue", decimal.doubleValue());
    }
    if (BYTES.contains(jdbcType) && value instanceof String base64) {
      return new JsonObject().put("blobValue", base64);
    }
    if (TIMES.contains(jdbcType) && value instanceof String text) {
      return new JsonObject().put("stringValue", dataApiTime(text));
    }
    return byJsonType(value, options);
  }

  /** A value whose column type says nothing more (SQLite's dynamic types, JSON, UUID, text). */
  private static JsonObject byJsonType(Object value, Options options) {
    if (value instanceof Boolean) {
      return new JsonObject().put("booleanValue", value);
    }
    if (value instanceof Integer || value instanceof Long) {
      return integer(value, options);
    }
    if (value instanceof Number n) {
      return new JsonObject().put("doubleValue", n.doubleValue());
    }
    if (value instanceof String) {
      return new JsonObject().put("stringValue", value);
    }
    if (value instanceof JsonArray array) {
      return new JsonObject().put("arrayValue", arrayValue(array));
    }
    return new JsonObject().put("stringValue", Json.encode(value));
  }

  /**
   * An array of JSON documents as {@code stringValues} of their text. A document that is itself an array
   * is one element: a multi-dimensional array of documents cannot be told from it, and is read as one.
   */
  private static JsonObject jsonTexts(JsonArray documents) {
    JsonArray out = new JsonArray();
    for (Object e : documents) {
      out.add(e == null ? null : Json.encode(e));
    }
    return new JsonObject().put("stringValues", out);
  }

  /** A whole number as {@code longValue}; past a long, or when asked, as {@code stringValue}. */
  private static JsonObject integer(Object value, Options options) {
    String text = value.toString();
    if (options.longsAsStrings()) {
      return new JsonObject().put("stringValue", text);
    }
    try {
      return new JsonObject().put("longValue", Long.parseLong(text));
    } catch (NumberFormatException e) {
      return new JsonObject().put("stringValue", text);
    }
  }

  /** A JSON array as an {@code ArrayValue}, its member chosen by its elements. */
  private static JsonObject arrayValue(JsonArray array) {
    String member = arrayMember(array);
    JsonArray out = new JsonArray();
    for (Object e : array) {
      switch (member) {
        case "arrayValues" -> out.add(e instanceof JsonArray inner ? arrayValue(inner) : new JsonObject());
        case "stringValues" -> out.add(e == null || e instanceof String ? e : Json.encode(e));
        case "doubleValues" -> out.add(e instanceof Number n ? n.doubleValue() : e);
        default -> out.add(e);
      }
    }
    return new JsonObject().put(member, out);
  }

  private static String arrayMember(JsonArray array) {
    Object first = null;
    boolean fractional = false;
    for (Object e : array) {
      if (e != null && first == null) {
        first = e;
      }
      fractional |= e instanceof Number && !(e instanceof Integer || e instanceof Long);
    }
    if (first instanceof JsonArray) {
      return "arrayValues";
    }
    if (first instanceof Boolean) {
      return "booleanValues";
    }
    if (first instanceof Number) {
      return fractional ? "doubleValues" : "longValues";
    }
    return "stringValues";
  }

  /** {@code 2024-01-31T23:59:30.5Z} as the Data API writes it: {@code 2024-01-31 23:59:30.5}. */
  static String dataApiTime(String iso) {
    String text = iso.endsWith("Z") ? iso.substring(0, iso.length() - 1) : iso;
    return text.replace('T', ' ');
  }

  /** A Field's one value, as plain JSON: what {@code formatRecordsAs: JSON} puts in a row object. */
  static Object plain(JsonObject field) {
    String member = field.fieldNames().iterator().next();
    Object value = field.getValue(member);
    if (member.equals("isNull")) {
      return null;
    }
    if (member.equals("arrayValue")) {
      return plainArray((JsonObject) value);
    }
    return value;
  }

  private static JsonArray plainArray(JsonObject arrayValue) {
    String member = arrayValue.fieldNames().iterator().next();
    JsonArray elements = arrayValue.getJsonArray(member);
    if (!member.equals("arrayValues")) {
      return elements.copy();
    }
    JsonArray out = new JsonArray();
    for (Object e : elements) {
      out.add(plainArray((JsonObject) e));
    }
    return out;
  }
}
