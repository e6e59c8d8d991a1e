package io.dbgateway.resilience;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Counts the retries the gateways in this JVM schedule, from {@link RetryPolicy}'s own log line. It
 * shows attempts on engines where the database has no non-transactional side effect to count them.
 */
final class RetryLog implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger(RetryPolicy.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  RetryLog() {
    appender.start();
    logger.addAppender(appender);
  }

  /** The retry lines logged since this log was opened. */
  List<String> retries() {
    synchronized (appender) { // AppenderBase.doAppend holds this lock
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(line -> line.contains("failed safely")).toList();
    }
  }

  /** Waits until at least {@code count} retries were logged; answers whether they were. */
  boolean awaitRetries(int count, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (retries().size() < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
