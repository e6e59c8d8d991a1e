package io.dbgateway.driver.postgres;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Parameters for vertx-pg-client, which encodes each value as the type PostgreSQL inferred for its
 * placeholder, in that type's binary form, and asks the tuple for it as a Java value ({@code
 * getInteger}, {@code getLocalDate}, {@code getArrayOfStrings}...). Each JSON value stays as it came until
 * the driver asks: a string becomes a timestamp, a decimal, a UUID or bytes (base64) only where the
 * server's own inference asks for one, and nothing is guessed from the string's shape.
 *
 * <p>A value this tuple does not convert to the asked type (a string for an {@code int[]}, a number for
 * a {@code uuid}, text its parsers do not read) is refused, and so is every value the driver would take
 * without asking for a type ({@link #getValue}): the types it encodes from its own classes (inet,
 * interval, money, the geometric ones), those it cannot encode at all (macaddr, xml, bit, oid,
 * tsvector...) and those it does not know (enums, domains, ranges). A refusal happens before anything is
 * sent; {@link PgParameterBinding} then sends such values as text for the server to read. None may reach
 * the driver's encoder, which throws {@code UnsupportedOperationException} for the types it cannot encode,
 * and with it fails the whole connection.
 *
 * <p>A JSON array is a PostgreSQL array where the server expects one (its elements converted the same
 * way as single values), and a JSON document where it expects {@code json}. A string bound to {@code
 * json}/{@code jsonb} is JSON text, as MySQL and SQLite store it: {@code "{\"a\":1}"} is an object, and a
 * JSON string is written {@code "\"text\""}.
 *
 * <p>The driver converts a tuple's values in place, so each execution gets a {@link #fresh} copy.
 */
// Extends the SQL client's internal ArrayTuple: the driver reads a Tuple's values through it, and no public
// Tuple lets a value be converted at the moment the driver asks for it as a type.
final class PgCoercingTuple extends ArrayTuple {

  /** The message of a refusal, followed by the parameter's number. */
  static final String REFUSED = "parameter has no conversion to the type the server inferred: ";

  /** A parameter's JSON value, until the driver asks for it as a type. */
  private record Unconverted(Object json) {}

  private static final Pattern HAS_OFFSET = Pattern.compile(".*(Z|[+-]\\d\\d(:?\\d\\d)?)$");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern CANONICAL_UUID =
      Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

  private final List<Object> json;

  PgCoercingTuple(List<Object> values) {
    super(values.size());
    this.json = Collections.unmodifiableList(new ArrayList<>(values));
    for (Object value : values) {
      addValue(value == null ? null : new Unconverted(value));
    }
  }

  /** The same JSON values, none converted yet. */
  PgCoercingTuple fresh() {
    return new PgCoercingTuple(json);
  }

  boolean hasNulls() {
    return json.contains(null);
  }

  /** The values that are not null, in order. */
  PgCoercingTuple withoutNulls() {
    return new PgCoercingTuple(json.stream().filter(java.util.Objects::nonNull).toList());
  }

  /** The JSON value of the parameter at {@code pos} (0-based). */
  Object json(int pos) {
    return json.get(pos);
  }

  /** These values, with the ones at {@code texts}' positions (0-based) replaced by those strings. */
  PgCoercingTuple withText(Map<Integer, String> texts) {
    if (texts.isEmpty()) {
      return fresh();
    }
    List<Object> values = new ArrayList<>(json);
    texts.forEach(values::set);
    return new PgCoercingTuple(values);
  }

  /**
   * Whether the driver's binary form of type {@code oid} can be made of the value at {@code pos}: this
   * tuple converts to the Java class vertx-pg-client encodes that type from.
   */
  boolean converts(int pos, long oid) {
    BiFunction<PgCoercingTuple, Integer, Object> getter = GETTER_BY_OID.get(oid);
    if (getter == null) {
      return false;
    }
    try {
      getter.apply(fresh(), pos);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The types vertx-pg-client encodes from what a typed getter returns, by OID: the rest go as text. */
  private static final Map<Long, BiFunction<PgCoercingTuple, Integer, Object>> GETTER_BY_OID = Map.ofEntries(
      Map.entry(16L, PgCoercingTuple::getBoolean), Map.entry(1000L, PgCoercingTuple::getArrayOfBooleans),
      Map.entry(21L, PgCoercingTuple::getShort), Map.entry(1005L, PgCoercingTuple::getArrayOfShorts),
      Map.entry(23L, PgCoercingTuple::getInteger), Map.entry(1007L, PgCoercingTuple::getArrayOfIntegers),
      Map.entry(20L, PgCoercingTuple::getLong), Map.entry(1016L, PgCoercingTuple::getArrayOfLongs),
      Map.entry(700L, PgCoercingTuple::getFloat), Map.entry(1021L, PgCoercingTuple::getArrayOfFloats),
      Map.entry(701L, PgCoercingTuple::getDouble), Map.entry(1022L, PgCoercingTuple::getArrayOfDoubles),
      Map.entry(1700L, PgCoercingTuple::getNumeric), Map.entry(1231L, PgCoercingTuple::getArrayOfNumerics),
      Map.entry(18L, PgCoercingTuple::getString), Map.entry(1002L, PgCoercingTuple::getArrayOfStrings),
      Map.entry(19L, PgCoercingTuple::getString), Map.entry(1003L, PgCoercingTuple::getArrayOfStrings),
      Map.entry(25L, PgCoercingTuple::getString), Map.entry(1009L, PgCoercingTuple::getArrayOfStrings),
      Map.entry(1042L, PgCoercingTuple::getString), Map.entry(1014L, PgCoercingTuple::getArrayOfStrings),
      Map.entry(1043L, PgCoercingTuple::getString), Map.entry(1015L, PgCoercingTuple::getArrayOfStrings),
      Map.entry(1082L, PgCoercingTuple::getLocalDate), Map.entry(1182L, PgCoercingTuple::getArrayOfLocalDates),
      Map.entry(1083L, PgCoercingTuple::getLocalTime), Map.entry(1183L, PgCoercingTuple::getArrayOfLocalTimes),
      Map.entry(1266L, PgCoercingTuple::getOffsetTime), Map.entry(1270L, PgCoercingTuple::getArrayOfOffsetTimes),
      Map.entry(1114L, PgCoercingTuple::getLocalDateTime),
      Map.entry(1115L, PgCoercingTuple::getArrayOfLocalDateTimes),
      Map.entry(1184L, PgCoercingTuple::getOffsetDateTime),
      Map.entry(1185L, PgCoercingTuple::getArrayOfOffsetDateTimes),
      Map.entry(17L, PgCoercingTuple::getBuffer), Map.entry(1001L, PgCoercingTuple::getArrayOfBuffers),
      Map.entry(2950L, PgCoercingTuple::getUUID), Map.entry(2951L, PgCoercingTuple::getArrayOfUUIDs),
      Map.entry(114L, PgCoercingTuple::getJson), Map.entry(199L, PgCoercingTuple::getArrayOfJsons),
      Map.entry(3802L, PgCoercingTuple::getJson), Map.entry(3807L, PgCoercingTuple::getArrayOfJsons));

  /**
   * The next position vertx-pg-client's copy of this tuple reads, or -1. Once the driver has a value to
   * pre-encode (a decimal or a JSON document), it copies the tuple, reading every value in order with
   * {@link #getValue}, and binds from the copy; each value the copy holds unconverted is replaced with the
   * driver's own before anything is sent.
   */
  private int copying = -1;
  private boolean copied;

  /**
   * The value, once the driver has converted it. The driver asks this only for the types it converts
   * itself or cannot encode, so an unconverted value is refused here, except while the driver copies
   * the tuple.
   */
  @Override
  public Object getValue(int pos) {
    Object value = getValueInternal(pos);
    if (pos == copying) {
      copying = pos + 1 < size() ? pos + 1 : -1;
      return value;
    }
    if (value instanceof Unconverted) {
      throw new Refused(pos);
    }
    return super.getValue(pos);
  }

  @Override
  public void setValue(int pos, Object value) {
    if (value instanceof Unconverted) {
      throw new Refused(pos);
    }
    super.setValue(pos, value);
  }

  /** A value the driver pre-encodes, after which it copies the tuple (see {@link #copying}). */
  private <T> T preEncoded(T value) {
    if (value != null && !copied) {
      copied = true;
      copying = 0;
    }
    return value;
  }

  // ---- single values ----

  @Override
  public Boolean getBoolean(int pos) {
    return convert(pos, PgCoercingTuple::bool);
  }

  @Override
  public Short getShort(int pos) {
    return convert(pos, v -> (short) integer(v, Short.MIN_VALUE, Short.MAX_VALUE));
  }

  @Override
  public Integer getInteger(int pos) {
    return convert(pos, v -> (int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  @Override
  public Long getLong(int pos) {
    return convert(pos, v -> integer(v, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  @Override
  public Float getFloat(int pos) {
    return convert(pos, v -> decimal(v).floatValue());
  }

  @Override
  public Double getDouble(int pos) {
    return convert(pos, v -> decimal(v).doubleValue());
  }

  @Override
  public Numeric getNumeric(int pos) {
    return preEncoded(convert(pos, v -> Numeric.create(decimal(v))));
  }

  /** Any JSON value, as text: a string as it is, a number or a boolean as JSON writes it, a document as JSON. */
  @Override
  public String getString(int pos) {
    return convert(pos, PgCoercingTuple::text);
  }

  @Override
  public LocalDate getLocalDate(int pos) {
    return convert(pos, v -> LocalDate.parse(string(v)));
  }

  @Override
  public LocalTime getLocalTime(int pos) {
    return convert(pos, v -> LocalTime.parse(string(v)));
  }

  @Override
  public OffsetTime getOffsetTime(int pos) {
    return convert(pos, v -> OffsetTime.parse(string(v)));
  }

  @Override
  public LocalDateTime getLocalDateTime(int pos) {
    return convert(pos, PgCoercingTuple::localDateTime);
  }

  @Override
  public OffsetDateTime getOffsetDateTime(int pos) {
    return convert(pos, PgCoercingTuple::offsetDateTime);
  }

  @Override
  public Buffer getBuffer(int pos) {
    return convert(pos, PgCoercingTuple::base64);
  }

  @Override
  public UUID getUUID(int pos) {
    return convert(pos, PgCoercingTuple::uuid);
  }

  /** A JSON document: a JSON array or object as itself, a string as JSON text. */
  @Override
  public Object getJson(int pos) {
    return preEncoded(convert(pos, PgCoercingTuple::jsonDocument));
  }

  // ---- arrays: a JSON array's elements, converted as single values are ----

  @Override
  public Boolean[] getArrayOfBooleans(int pos) {
    return array(pos, Boolean[]::new, PgCoercingTuple::bool);
  }

  @Override
  public Short[] getArrayOfShorts(int pos) {
    return array(pos, Short[]::new, v -> (short) integer(v, Short.MIN_VALUE, Short.MAX_VALUE));
  }

  @Override
  public Integer[] getArrayOfIntegers(int pos) {
    return array(pos, Integer[]::new, v -> (int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  @Override
  public Long[] getArrayOfLongs(int pos) {
    return array(pos, Long[]::new, v -> integer(v, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  @Override
  public Float[] getArrayOfFloats(int pos) {
    return array(pos, Float[]::new, v -> decimal(v).floatValue());
  }

  @Override
  public Double[] getArrayOfDoubles(int pos) {
    return array(pos, Double[]::new, v -> decimal(v).doubleValue());
  }

  @Override
  public Numeric[] getArrayOfNumerics(int pos) {
    return preEncoded(array(pos, Numeric[]::new, v -> Numeric.create(decimal(v))));
  }

  /** Elements as text; a nested array (a multi-dimensional one) goes as text for the server to read. */
  @Override
  public String[] getArrayOfStrings(int pos) {
    return array(pos, String[]::new, v -> v instanceof JsonArray ? refuse() : text(v));
  }

  @Override
  public LocalDate[] getArrayOfLocalDates(int pos) {
    return array(pos, LocalDate[]::new, v -> LocalDate.parse(string(v)));
  }

  @Override
  public LocalTime[] getArrayOfLocalTimes(int pos) {
    return array(pos, LocalTime[]::new, v -> LocalTime.parse(string(v)));
  }

  @Override
  public OffsetTime[] getArrayOfOffsetTimes(int pos) {
    return array(pos, OffsetTime[]::new, v -> OffsetTime.parse(string(v)));
  }

  @Override
  public LocalDateTime[] getArrayOfLocalDateTimes(int pos) {
    return array(pos, LocalDateTime[]::new, PgCoercingTuple::localDateTime);
  }

  @Override
  public OffsetDateTime[] getArrayOfOffsetDateTimes(int pos) {
    return array(pos, OffsetDateTime[]::new, PgCoercingTuple::offsetDateTime);
  }

  @Override
  public Buffer[] getArrayOfBuffers(int pos) {
    return array(pos, Buffer[]::new, PgCoercingTuple::base64);
  }

  @Override
  public UUID[] getArrayOfUUIDs(int pos) {
    return array(pos, UUID[]::new, PgCoercingTuple::uuid);
  }

  @Override
  public Object[] getArrayOfJsons(int pos) {
    return preEncoded(array(pos, Object[]::new, PgCoercingTuple::jsonDocument));
  }

  // ---- conversions of one JSON value; each throws when it does not apply ----

  private <T> T convert(int pos, Function<Object, T> conversion) {
    Object value = getValueInternal(pos);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Unconverted unconverted)) {
      throw new IllegalStateException("parameter " + (pos + 1) + " was converted already");
    }
    return conversion.apply(unconverted.json());
  }

  /** A JSON array's elements as the driver's array type; null elements stay null. */
  private <T> T[] array(int pos, IntFunction<T[]> create, Function<Object, T> element) {
    return convert(pos, value -> {
      if (!(value instanceof JsonArray array)) {
        return refuse();
      }
      T[] result = create.apply(array.size());
      for (int i = 0; i < result.length; i++) {
        Object e = array.getValue(i);
        result[i] = e == null ? null : element.apply(e);
      }
      return result;
    });
  }

  private static <T> T refuse() {
    throw new IllegalArgumentException("no conversion");
  }

  private static String string(Object value) {
    return value instanceof String s ? s.trim() : refuse();
  }

  private static Boolean bool(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    return switch (string(value).toLowerCase(Locale.ROOT)) {
      case "true", "t" -> true;
      case "false", "f" -> false;
      default -> refuse();
    };
  }

  /** A whole number within the bounds: a JSON number without a fraction, or its decimal text. */
  private static long integer(Object value, long min, long max) {
    long n = value instanceof Number number ? new BigDecimal(number.toString()).longValueExact()
        : Long.parseLong(string(value));
    return n >= min && n <= max ? n : refuse();
  }

  /** A JSON number, or decimal text (what PostgreSQL spells otherwise, such as {@code NaN}, it reads itself). */
  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    String text = value instanceof Number n ? n.toString() : string(value);
    return DECIMAL.matcher(text).matches() ? new BigDecimal(text) : refuse();
  }

  private static LocalDateTime localDateTime(Object value) {
    String s = string(value).replace(' ', 'T');
    return HAS_OFFSET.matcher(s).matches() ? OffsetDateTime.parse(s).toLocalDateTime() : LocalDateTime.parse(s);
  }

  /** A timestamp with an offset, or without one in UTC. */
  private static OffsetDateTime offsetDateTime(Object value) {
    String s = string(value).replace(' ', 'T');
    return HAS_OFFSET.matcher(s).matches() ? OffsetDateTime.parse(s) : LocalDateTime.parse(s).atOffset(ZoneOffset.UTC);
  }

  private static Buffer base64(Object value) {
    return Buffer.buffer(Base64.getDecoder().decode(string(value)));
  }

  private static UUID uuid(Object value) {
    String s = string(value);
    return CANONICAL_UUID.matcher(s).matches() ? UUID.fromString(s) : refuse();
  }

  private static Object jsonDocument(Object value) {
    if (!(value instanceof String text)) {
      return value;
    }
    try {
      Object decoded = Json.decodeValue(text);
      return decoded == null ? Tuple.JSON_NULL : decoded;
    } catch (DecodeException e) {
      return refuse();
    }
  }

  /** A JSON value as text: a string as it is, a number or a boolean as JSON writes it, a document as JSON. */
  static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof BigDecimal d) {
      return d.toString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return Json.encode(value);
  }

  /**
   * A JSON array as a PostgreSQL array literal ({@code {"a","b c",NULL}}), nested arrays as its
   * dimensions, with {@code delimiter} between elements (a comma for every built-in type but box).
   */
  static String arrayLiteral(JsonArray array, char delimiter) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < array.size(); i++) {
      if (i > 0) {
        out.append(delimiter);
      }
      Object e = array.getValue(i);
      if (e == null) {
        out.append("NULL");
      } else if (e instanceof JsonArray inner) {
        out.append(arrayLiteral(inner, delimiter));
      } else {
        out.append('"').append(text(e).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return out.append('}').toString();
  }

  /** A refusal, without a stack trace: the driver turns it into its own failure, by message. */
  private static final class Refused extends RuntimeException {
    Refused(int pos) {
      super(REFUSED + (pos + 1), null, false, false);
    }
  }
}
