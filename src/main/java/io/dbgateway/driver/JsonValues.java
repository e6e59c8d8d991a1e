package io.dbgateway.driver;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/** The contract's type table: how a value a driver decoded becomes JSON, the same on every engine. */
public final class JsonValues {

  /** Integers beyond this lose precision in JavaScript, so they travel as strings. */
  static final long MAX_SAFE_INTEGER = (1L << 53);

  private JsonValues() {}

  public static Object toJson(Object value) {
    if (value == null || value == Tuple.JSON_NULL) {
      return null;
    }
    if (value instanceof Boolean || value instanceof String || value instanceof JsonObject || value instanceof JsonArray) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Long l) {
      return Math.abs(l) > MAX_SAFE_INTEGER || l == Long.MIN_VALUE ? l.toString() : l;
    }
    if (value instanceof BigInteger big) {
      return big.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0 ? big.toString() : big.longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? value : Double.toString(d);
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Numeric numeric) {
      BigDecimal decimal = numeric.bigDecimalValue();
      return decimal == null ? numeric.toString() : decimal.toPlainString();
    }
    if (value instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }
    if (value instanceof OffsetDateTime t) {
      return utc(t);
    }
    if (value instanceof LocalDate) {
      return value.toString();
    }
    if (value instanceof LocalTime t) {
      // Always with seconds (LocalTime.toString() drops ":00"), and the fraction only as long as needed.
      return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    }
    if (value instanceof OffsetTime t) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC)) + "Z";
    }
    if (value instanceof Buffer buffer) {
      return Base64.getEncoder().encodeToString(buffer.getBytes());
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof UUID) {
      return value.toString();
    }
    if (value.getClass().isArray()) {
      JsonArray array = new JsonArray();
      for (int i = 0; i < Array.getLength(value); i++) {
        array.add(toJson(Array.get(value, i)));
      }
      return array;
    }
    return value.toString();
  }

  /**
   * A time of day or a duration as {@code HH:MM:SS[.fraction]}, the fraction as short as it can be
   * (as {@link DateTimeFormatter#ISO_LOCAL_TIME} writes a {@link LocalTime}); MySQL's TIME is a
   * duration, so hours may pass 23 and the value may be negative.
   */
  public static String clockTime(java.time.Duration duration) {
    java.time.Duration abs = duration.abs();
    String text = String.format(java.util.Locale.ROOT, "%02d:%02d:%02d", abs.toHours(), abs.toMinutesPart(), abs.toSecondsPart());
    if (abs.toNanosPart() != 0) {
      String fraction = String.format(java.util.Locale.ROOT, "%09d", abs.toNanosPart());
      text += "." + fraction.replaceFirst("0+$", "");
    }
    return duration.isNegative() ? "-" + text : text;
  }

  /** A decimal as a plain string (never exponent notation), for a value stored as a double. */
  public static String decimal(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    return exact.signum() == 0 ? "0" : exact.toPlainString();
  }

  /** A timestamp with a zone, as the contract wants it: in UTC, ending in {@code Z}. */
  public static String utc(OffsetDateTime t) {
    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC)) + "Z";
  }
}
