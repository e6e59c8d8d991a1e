package io.dbgateway.driver;

import io.dbgateway.api.ColumnMetadata;
import io.dbgateway.api.ParamType;
import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/**
 * Parameters with a declared {@link ParamType}: the JSON value read as that type, or a 400 that names
 * the parameter. Timestamps are written {@code 2024-01-31 23:59:30[.123]} (the RDS Data API's form) or
 * ISO-8601 with a {@code T}; one with an offset is taken in UTC.
 */
public final class TypedValues {

  private TypedValues() {}

  /** The value as the Java type vertx-mysql-client binds as {@code type}; exact decimals and UUIDs as text. */
  public static Object toJava(Object value, ParamType type, String parameter) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case DECIMAL -> decimal(value, parameter).toPlainString();
      case TIMESTAMP -> timestamp(value, parameter);
      case DATE -> parse(value, parameter, type, LocalDate::parse);
      case TIME -> parse(value, parameter, type, LocalTime::parse);
      case UUID -> parse(value, parameter, type, UUID::fromString).toString();
      case JSON -> jsonText(value, parameter);
      case BINARY -> Buffer.buffer(bytes(value, parameter));
    };
  }

  /** Checks the value is what {@code type} says and leaves it for PgCoercingTuple to convert. */
  public static Object checked(Object value, ParamType type, String parameter) {
    toJava(value, type, parameter);
    return value;
  }

  private static BigDecimal decimal(Object value, String parameter) {
    if (value instanceof Number number) {
      return new BigDecimal(number.toString());
    }
    return parse(value, parameter, ParamType.DECIMAL, BigDecimal::new);
  }

  /** A {@code TIMESTAMP} parameter's value, in UTC when it has an offset. */
  public static LocalDateTime timestamp(Object value, String parameter) {
    return parse(value, parameter, ParamType.TIMESTAMP, text -> {
      String iso = text.replace(' ', 'T');
      try {
        return LocalDateTime.parse(iso);
      } catch (DateTimeParseException e) {
        return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      }
    });
  }

  private static String jsonText(Object value, String parameter) {
    if (value instanceof JsonObject || value instanceof JsonArray) {
      return Json.encode(value);
    }
    if (value instanceof String text) {
      try {
        Json.decodeValue(text);
        return text;
      } catch (DecodeException e) {
        throw GatewayException.badRequest(parameter + " is not valid JSON text: '" + text + "'");
      }
    }
    return Json.encode(value);
  }

  /** A {@code BINARY} parameter's value: base64 text, decoded. */
  public static byte[] bytes(Object value, String parameter) {
    return parse(value, parameter, ParamType.BINARY, Base64.getDecoder()::decode);
  }

  private static <T> T parse(Object value, String parameter, ParamType type,
      java.util.function.Function<String, T> parser) {
    if (!(value instanceof String text)) {
      throw GatewayException.badRequest(parameter + " is declared " + type + ", so its value must be a string");
    }
    try {
      return parser.apply(text.trim());
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw GatewayException.badRequest(parameter + " is not a valid " + type + ": '" + text + "'");
    }
  }

  // ---- column metadata shared by the engines ----

  private static final Set<String> SIGNED = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "REAL", "FLOAT",
      "DOUBLE", "DECIMAL", "NUMERIC");
  private static final Set<String> TEXT = Set.of("CHAR", "VARCHAR", "LONGVARCHAR", "NCHAR", "NVARCHAR",
      "LONGNVARCHAR", "CLOB", "NCLOB");

  /**
   * What a column's JDBC type alone tells: numbers are signed, text compares case-sensitively. Drivers
   * that tell more refine it.
   */
  public static ColumnMetadata fromJdbcType(String typeName, String jdbcType, int precision, int scale) {
    return new ColumnMetadata(typeName == null ? "" : typeName, ColumnMetadata.NULLABLE_UNKNOWN, precision, scale,
        SIGNED.contains(jdbcType), false, TEXT.contains(jdbcType), false, "", "", null);
  }
}
