package io.dbgateway.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Captures what one class logs, so tests can check that an event was logged, and when. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> type) {
    logger = (Logger) LoggerFactory.getLogger(type);
  }

  public static LogCapture attach(Class<?> type) {
    LogCapture capture = new LogCapture(type);
    capture.appender.setName("test-capture-" + type.getSimpleName());
    capture.appender.start();
    capture.logger.addAppender(capture.appender);
    return capture;
  }

  /** How many events were captured so far: pass it to {@link #eventsSince} to see only later ones. */
  public int mark() {
    synchronized (appender) {
      return appender.list.size();
    }
  }

  public List<ILoggingEvent> eventsSince(int mark) {
    synchronized (appender) { // AppenderBase.doAppend holds this lock while appending
      return List.copyOf(appender.list.subList(mark, appender.list.size()));
    }
  }

  public List<String> messagesSince(int mark) {
    return eventsSince(mark).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Waits until a message since {@code mark} matches {@code wanted}; answers it, or fails after {@code timeoutMs}. */
  public String await(int mark, Predicate<String> wanted, long timeoutMs) throws Exception {
    List<String> found = Await.until("a matching log message", () -> messagesSince(mark),
        messages -> messages.stream().anyMatch(wanted), timeoutMs);
    return found.stream().filter(wanted).findFirst().orElseThrow();
  }

  public void detach() {
    logger.detachAppender(appender);
    appender.stop();
  }

  @Override
  public void close() {
    detach();
  }
}
