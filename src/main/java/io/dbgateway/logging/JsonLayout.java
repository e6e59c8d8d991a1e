package io.dbgateway.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One compact JSON object per log event, on one line: {@code timestamp}, {@code level}, {@code logger},
 * {@code thread}, {@code message}, then {@code requestId} and {@code keyId} when the event belongs to a
 * request (see {@link LogContext#of(ILoggingEvent)}), the event's SLF4J key-value pairs, and
 * {@code exception} (the stack trace, for the operator; clients never see it). It may lay an event out
 * on the thread that logged it or later on another ({@link AsyncAccessAppender}).
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

  /** Names the layout writes itself; a key-value pair may not replace them. */
  private static final Set<String> FIXED = Set.of("timestamp", "level", "logger", "thread", "message", "exception");

  @Override
  public String doLayout(ILoggingEvent event) {
    if (event instanceof AccessLine line) {
      return accessLine(line);
    }
    StringBuilder json = new StringBuilder(512);
    json.append('{');
    field(json, "timestamp", timestamp(event.getTimeStamp()));
    field(json, "level", event.getLevel().toString());
    field(json, "logger", event.getLoggerName());
    field(json, "thread", event.getThreadName());
    field(json, "message", event.getFormattedMessage());
    // The logging context's, or the event's own pairs: a line logged after the request's context is gone,
    // or laid out later by the access log's AsyncAccessAppender, which copied the context into them.
    LogContext context = LogContext.of(event);
    String requestId = context == null ? null : context.requestId();
    String keyId = context == null ? null : context.keyId();
    field(json, LogContext.REQUEST_ID, requestId);
    field(json, LogContext.KEY_ID, keyId);
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        boolean taken = FIXED.contains(pair.key) || pair.key.equals(LogContext.REQUEST_ID) && requestId != null
            || pair.key.equals(LogContext.KEY_ID) && keyId != null;
        if (!taken) {
          value(json, pair.key, pair.value);
        }
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(json, "exception", ThrowableProxyUtil.asString(thrown));
    }
    return json.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  /**
   * An access line, straight from its fields: the same JSON as the generic path makes of the same event
   * (the fixed fields, the request's ids, then the pairs in {@link AccessLine#getKeyValuePairs()}'s order).
   */
  private String accessLine(AccessLine line) {
    StringBuilder json = new StringBuilder(320);
    json.append('{');
    field(json, "timestamp", timestamp(line.timeStamp()));
    field(json, "level", "INFO");
    field(json, "logger", line.loggerName());
    field(json, "thread", line.threadName());
    field(json, "message", line.getFormattedMessage());
    field(json, LogContext.REQUEST_ID, line.requestId());
    field(json, LogContext.KEY_ID, line.keyId());
    field(json, "method", line.method());
    field(json, "path", line.path());
    field(json, "operation", line.operation());
    json.append(",\"status\":").append(line.status());
    json.append(",\"durationMs\":").append(line.durationMs());
    if (!line.completed()) {
      json.append(",\"aborted\":true");
    }
    return json.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  /** The last second formatted, kept because lines come many to a second: formatting an instant costs more than the rest of a line. */
  private record Second(long epochSecond, String prefix) {}

  private volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  /** {@code epochMillis} as {@link Instant#toString()} writes it: UTC, and a fraction only when it is not zero. */
  String timestamp(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    int millis = (int) Math.floorMod(epochMillis, 1000);
    Second cached = lastSecond;
    if (cached.epochSecond() != second) {
      String whole = Instant.ofEpochSecond(second).toString(); // "...:SSZ"
      cached = new Second(second, whole.substring(0, whole.length() - 1));
      lastSecond = cached;
    }
    if (millis == 0) {
      return cached.prefix() + 'Z';
    }
    return cached.prefix() + '.' + (char) ('0' + millis / 100) + (char) ('0' + millis / 10 % 10) + (char) ('0' + millis % 10) + 'Z';
  }

  @Override
  public String getContentType() {
    return "application/json";
  }

  private static void value(StringBuilder json, String name, Object value) {
    boolean finite = !(value instanceof Double d && !Double.isFinite(d)) && !(value instanceof Float f && !Float.isFinite(f));
    if (value instanceof Boolean || value instanceof Number && finite) {
      separator(json);
      quote(json, name);
      json.append(':').append(value);
    } else {
      field(json, name, value == null ? null : value.toString());
    }
  }

  private static void field(StringBuilder json, String name, String value) {
    if (value == null) {
      return;
    }
    separator(json);
    quote(json, name);
    json.append(':');
    quote(json, value);
  }

  private static void separator(StringBuilder json) {
    if (json.length() > 1) {
      json.append(',');
    }
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    if (plain(text)) {
      json.append(text).append('"');
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  /** Whether {@code text} needs no escape: the common case, appended whole. */
  private static boolean plain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }
}
