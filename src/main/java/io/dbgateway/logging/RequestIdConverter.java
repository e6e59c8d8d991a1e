package io.dbgateway.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %requestId} in a Logback pattern: the request id of the event's request
 * ({@link LogContext#of(ILoggingEvent)}), or {@code -} outside one. Declare it with {@code <conversionRule conversionWord="requestId" class="..."/>}.
 */
public final class RequestIdConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    LogContext context = LogContext.of(event);
    return context == null || context.requestId() == null ? "-" : context.requestId();
  }
}
