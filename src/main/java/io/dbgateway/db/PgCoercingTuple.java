package io.dbgateway.db;

import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.data.Numeric;
import io.vertx.sqlclient.internal.ArrayTuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Parameters for vertx-pg-client, which encodes each value as the type PostgreSQL inferred for its
 * placeholder and asks the tuple for that type. JSON carries timestamps, decimals and bytes as
 * strings, so this tuple converts a string when the driver asks for the typed value: the server's own
 * inference decides, and nothing is guessed from the string's shape.
 */
final class PgCoercingTuple extends ArrayTuple {

  PgCoercingTuple(List<Object> values) {
    super(values.size());
    for (Object value : values) {
      addValue(value instanceof JsonArray array ? array.getList().toArray() : value);
    }
  }

  @Override
  public LocalDateTime getLocalDateTime(int pos) {
    return parse(pos, "timestamp", s -> s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")
        ? OffsetDateTime.parse(s).toLocalDateTime() : LocalDateTime.parse(s.replace(' ', 'T')), super::getLocalDateTime);
  }

  @Override
  public OffsetDateTime getOffsetDateTime(int pos) {
    return parse(pos, "timestamp with time zone", s -> s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")
        ? OffsetDateTime.parse(s.replace(' ', 'T'))
        : LocalDateTime.parse(s.replace(' ', 'T')).atOffset(java.time.ZoneOffset.UTC), super::getOffsetDateTime);
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
    return parse(pos, "base64 bytes", s -> Buffer.buffer(Base64.getDecoder().decode(s)), super::getBuffer);
  }

  @Override
  public Numeric getNumeric(int pos) {
    return parse(pos, "decimal", s -> Numeric.create(new BigDecimal(s)), super::getNumeric);
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
}
