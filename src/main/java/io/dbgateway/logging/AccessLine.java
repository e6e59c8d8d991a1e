package io.dbgateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * One access line, as the logback event it is logged as: the request's facts, kept as fields. It costs
 * the event loop one small object, where a logback {@code LoggingEvent} built through SLF4J's fluent API
 * costs a key-value list, the MDC's copy and a formatted message; the message and the key-value pairs
 * are made only when a layout asks for them, on the access log's own thread ({@link AsyncAccessAppender}).
 * {@link JsonLayout} writes it straight from the fields, in the same form as any other event.
 *
 * @param loggerName the access log's logger
 * @param timeStamp when the answer ended, in epoch milliseconds
 * @param threadName the event loop that served the request
 * @param keyId the caller's key id, or null before authentication found one
 * @param operation the operation the request ran, or null (a health check, a refusal before routing)
 * @param completed false when the connection closed before the answer ended
 */
public record AccessLine(String loggerName, LoggerContextVO loggerContext, long timeStamp, String threadName,
    String method, String path, String operation, int status, double durationMs, String requestId, String keyId,
    boolean completed) implements ILoggingEvent {

  /** Logs the line to {@code logger}'s appenders, at INFO; the caller has checked that INFO is enabled. */
  public static void log(Logger logger, String method, String path, String operation, int status, double durationMs,
      String requestId, String keyId, boolean completed) {
    logger.callAppenders(new AccessLine(logger.getName(), logger.getLoggerContext().getLoggerContextRemoteView(),
        System.currentTimeMillis(), Thread.currentThread().getName(), method, path, operation, status, durationMs,
        requestId, keyId, completed));
  }

  @Override
  public String getFormattedMessage() {
    return method + " " + path + " " + status + " " + durationMs + " ms"
        + (completed ? "" : " (connection closed before the response ended)");
  }

  /** The fields as key-value pairs, for layouts other than {@link JsonLayout}: the request's first. */
  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    List<KeyValuePair> pairs = new ArrayList<>(9);
    pairs.add(new KeyValuePair(LogContext.REQUEST_ID, requestId));
    if (keyId != null) {
      pairs.add(new KeyValuePair(LogContext.KEY_ID, keyId));
    }
    pairs.add(new KeyValuePair("method", method));
    pairs.add(new KeyValuePair("path", path));
    pairs.add(new KeyValuePair("operation", operation));
    pairs.add(new KeyValuePair("status", status));
    pairs.add(new KeyValuePair("durationMs", durationMs));
    if (!completed) {
      pairs.add(new KeyValuePair("aborted", true));
    }
    return pairs;
  }

  @Override
  public String getThreadName() {
    return threadName;
  }

  @Override
  public Level getLevel() {
    return Level.INFO;
  }

  @Override
  public String getMessage() {
    return getFormattedMessage();
  }

  @Override
  public Object[] getArgumentArray() {
    return null;
  }

  @Override
  public String getLoggerName() {
    return loggerName;
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return loggerContext;
  }

  @Override
  public IThrowableProxy getThrowableProxy() {
    return null;
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return new StackTraceElement[0];
  }

  @Override
  public boolean hasCallerData() {
    return false;
  }

  @Override
  public List<Marker> getMarkerList() {
    return null;
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    return Map.of();
  }

  @Override
  public Map<String, String> getMdc() {
    return Map.of();
  }

  @Override
  public long getTimeStamp() {
    return timeStamp;
  }

  @Override
  public int getNanoseconds() {
    return -1;
  }

  @Override
  public long getSequenceNumber() {
    return 0;
  }

  /** Nothing to do: every field is final and already in its form for another thread. */
  @Override
  public void prepareForDeferredProcessing() {}
}
