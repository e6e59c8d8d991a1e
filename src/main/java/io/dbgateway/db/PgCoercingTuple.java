package io.dbgateway.db;

import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import io.vertx.sqlclient.internal.ArrayTuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Parameters for vertx-pg-client, which encodes each value as the type PostgreSQL inferred for its
 * placeholder and asks the tuple for that type. JSON carries timestamps, decimals and bytes as
 * strings, so this tuple converts a string when the driver asks for the typed value: the server's own
 * inference decides, and nothing is guessed from the string's shape.
 *
 * <p>A JSON array parameter is a PostgreSQL array where the server expects one (its elements
 * converted the same way as single values), and a JSON document where it expects {@code json}. A
 * string bound to {@code json}/{@code jsonb} is JSON text, as MySQL and SQLite store it: {@code
 * "{\"a\":1}"} is an object, and a JSON string is written {@code "\"text\""}.
 */
final class PgCoercingTuple extends ArrayTuple {

  private static final Pattern HAS_OFFSET = Pattern.compile(".*(Z|[+-]\\d\\d(:?\\d\\d)?)$");

  private static final Function<String, LocalDateTime> LOCAL_DATE_TIME = s -> HAS_OFFSET.matcher(s).matches()
      ? OffsetDateTime.parse(s.replace(' ', 'T')).toLocalDateTime() : LocalDateTime.parse(s.replace(' ', 'T'));
  private static final Function<String, OffsetDateTime> OFFSET_DATE_TIME = s -> HAS_OFFSET.matcher(s).matches()
      ? OffsetDateTime.parse(s.replace(' ', 'T')) : LocalDateTime.parse(s.replace(' ', 'T')).atOffset(ZoneOffset.UTC);
  private static final Function<String, Buffer> BASE64 = s -> Buffer.buffer(Base64.getDecoder().decode(s));
  private static final Function<String, Numeric> NUMERIC = s -> Numeric.create(new BigDecimal(s));
  private static final Function<String, Boolean> BOOLEAN = s -> switch (s.toLowerCase(java.util.Locale.ROOT)) {
    case "true", "t" -> true;
    case "false", "f" -> false;
    default -> throw new IllegalArgumentException(s);
  };

  PgCoercingTuple(List<Object> values) {
    super(values.size());
    for (Object value : values) {
      addValue(value instanceof JsonArray array ? array.getList().toArray() : value);
    }
  }

  // ---- single values ----

  @Override
  public LocalDateTime getLocalDateTime(int pos) {
    return parse(pos, "timestamp", LOCAL_DATE_TIME, super::getLocalDateTime);
  }

  @Override
  public OffsetDateTime getOffsetDateTime(int pos) {
    return parse(pos, "timestamp with time zone", OFFSET_DATE_TIME, super::getOffsetDateTime);
  }

  @Override
  public LocalDate getLocalDate(int pos) {
    return parse(pos, "date", LocalDate::parse, super::getLocalDate);
  }

  @Override
  public LocalTime getLocalTime(int pos) {
    return parse(pos, "time", LocalTime::parse, super::getLocalTime);
  }

  @Override
  public OffsetTime getOffsetTime(int pos) {
    return parse(pos, "time with time zone", OffsetTime::parse, super::getOffsetTime);
  }

  @Override
  public Buffer getBuffer(int pos) {
    return parse(pos, "base64 bytes", BASE64, super::getBuffer);
  }

  @Override
  public Numeric getNumeric(int pos) {
    return parse(pos, "decimal", NUMERIC, super::getNumeric);
  }

  @Override
  public Long getLong(int pos) {
    return parse(pos, "bigint", Long::valueOf, super::getLong);
  }

  @Override
  public Integer getInteger(int pos) {
    return parse(pos, "integer", Integer::valueOf, super::getInteger);
  }

  @Override
  public Short getShort(int pos) {
    return parse(pos, "smallint", Short::valueOf, super::getShort);
  }

  @Override
  public Double getDouble(int pos) {
    return parse(pos, "double precision", Double::valueOf, super::getDouble);
  }

  @Override
  public Float getFloat(int pos) {
    return parse(pos, "real", Float::valueOf, super::getFloat);
  }

  @Override
  public Boolean getBoolean(int pos) {
    return parse(pos, "boolean", BOOLEAN, super::getBoolean);
  }

  @Override
  public UUID getUUID(int pos) {
    return parse(pos, "uuid", UUID::fromString, super::getUUID);
  }

  /** A JSON document: a JSON array parameter as itself, a string as JSON text. */
  @Override
  public Object getJson(int pos) {
    Object value = getValue(pos);
    if (isJsonArray(value)) {
      return new JsonArray(new ArrayList<>(Arrays.asList((Object[]) value)));
    }
    if (value instanceof String text) {
      return jsonText(text, pos);
    }
    return super.getJson(pos);
  }

  private static Object jsonText(String text, int pos) {
    try {
      Object decoded = Json.decodeValue(text);
      return decoded == null ? Tuple.JSON_NULL : decoded;
    } catch (DecodeException e) {
      throw GatewayException.badRequest("parameter " + (pos + 1) + " is not valid JSON text: '" + text + "'");
    }
  }

  // ---- arrays: a JSON array's elements, converted as single values are ----

  @Override
  public Boolean[] getArrayOfBooleans(int pos) {
    return array(pos, "boolean", Boolean[]::new, e -> e instanceof Boolean b ? b : BOOLEAN.apply(text(e)),
        super::getArrayOfBooleans);
  }

  @Override
  public Short[] getArrayOfShorts(int pos) {
    return array(pos, "smallint", Short[]::new, e -> e instanceof Number n ? n.shortValue() : Short.valueOf(text(e)),
        super::getArrayOfShorts);
  }

  @Override
  public Integer[] getArrayOfIntegers(int pos) {
    return array(pos, "integer", Integer[]::new, e -> e instanceof Number n ? n.intValue() : Integer.valueOf(text(e)),
        super::getArrayOfIntegers);
  }

  @Override
  public Long[] getArrayOfLongs(int pos) {
    return array(pos, "bigint", Long[]::new, e -> e instanceof Number n ? n.longValue() : Long.valueOf(text(e)),
        super::getArrayOfLongs);
  }

  @Override
  public Float[] getArrayOfFloats(int pos) {
    return array(pos, "real", Float[]::new, e -> e instanceof Number n ? n.floatValue() : Float.valueOf(text(e)),
        super::getArrayOfFloats);
  }

  @Override
  public Double[] getArrayOfDoubles(int pos) {
    return array(pos, "double precision", Double[]::new,
        e -> e instanceof Number n ? n.doubleValue() : Double.valueOf(text(e)), super::getArrayOfDoubles);
  }

  @Override
  public Numeric[] getArrayOfNumerics(int pos) {
    return array(pos, "decimal", Numeric[]::new,
        e -> e instanceof Number n ? Numeric.create(n) : NUMERIC.apply(text(e)), super::getArrayOfNumerics);
  }

  @Override
  public String[] getArrayOfStrings(int pos) {
    return array(pos, "text", String[]::new, e -> e instanceof String s ? s : e.toString(), super::getArrayOfStrings);
  }

  @Override
  public LocalDate[] getArrayOfLocalDates(int pos) {
    return array(pos, "date", LocalDate[]::new, e -> LocalDate.parse(text(e)), super::getArrayOfLocalDates);
  }

  @Override
  public LocalTime[] getArrayOfLocalTimes(int pos) {
    return array(pos, "time", LocalTime[]::new, e -> LocalTime.parse(text(e)), super::getArrayOfLocalTimes);
  }

  @Override
  public OffsetTime[] getArrayOfOffsetTimes(int pos) {
    return array(pos, "time with time zone", OffsetTime[]::new, e -> OffsetTime.parse(text(e)),
        super::getArrayOfOffsetTimes);
  }

  @Override
  public LocalDateTime[] getArrayOfLocalDateTimes(int pos) {
    return array(pos, "timestamp", LocalDateTime[]::new, e -> LOCAL_DATE_TIME.apply(text(e)),
        super::getArrayOfLocalDateTimes);
  }

  @Override
  public OffsetDateTime[] getArrayOfOffsetDateTimes(int pos) {
    return array(pos, "timestamp with time zone", OffsetDateTime[]::new, e -> OFFSET_DATE_TIME.apply(text(e)),
        super::getArrayOfOffsetDateTimes);
  }

  @Override
  public Buffer[] getArrayOfBuffers(int pos) {
    return array(pos, "base64 bytes", Buffer[]::new, e -> BASE64.apply(text(e)), super::getArrayOfBuffers);
  }

  @Override
  public UUID[] getArrayOfUUIDs(int pos) {
    return array(pos, "uuid", UUID[]::new, e -> UUID.fromString(text(e)), super::getArrayOfUUIDs);
  }

  @Override
  public Object[] getArrayOfJsons(int pos) {
    return array(pos, "json", Object[]::new, e -> e instanceof String s ? jsonText(s, pos) : e,
        super::getArrayOfJsons);
  }

  // ---- helpers ----

  private <T> T parse(int pos, String type, Function<String, T> parser, Function<Integer, T> otherwise) {
    Object value = getValue(pos);
    if (value instanceof String text) {
      try {
        return parser.apply(text.trim());
      } catch (DateTimeParseException | IllegalArgumentException e) {
        throw GatewayException.badRequest("parameter " + (pos + 1) + " is not a valid " + type + ": '" + text + "'");
      }
    }
    return otherwise.apply(pos);
  }

  /** A JSON array's elements as the driver's array type; null elements stay null. */
  private <T> T[] array(int pos, String type, IntFunction<T[]> create, Function<Object, T> element,
      Function<Integer, T[]> otherwise) {
    Object value = getValue(pos);
    if (!isJsonArray(value)) {
      return otherwise.apply(pos);
    }
    Object[] elements = (Object[]) value;
    T[] result = create.apply(elements.length);
    for (int i = 0; i < elements.length; i++) {
      Object e = elements[i];
      if (e == null) {
        continue;
      }
      try {
        result[i] = element.apply(e);
      } catch (DateTimeParseException | IllegalArgumentException | ClassCastException ex) {
        throw GatewayException.badRequest("parameter " + (pos + 1) + ", element " + (i + 1) + " is not a valid "
            + type + ": " + Json.encode(e));
      }
    }
    return result;
  }

  /** A JSON array parameter, as the constructor stored it. */
  private static boolean isJsonArray(Object value) {
    return value != null && value.getClass() == Object[].class;
  }

  private static String text(Object element) {
    if (element instanceof String s) {
      return s.trim();
    }
    throw new IllegalArgumentException("not a string");
  }
}
