package io.dbgateway.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.dbgateway.logging.JsonLayout;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures log output as the gateway ships it: each event is laid out by {@link JsonLayout} at once, on
 * the thread that logs it, as the console appender does, so a line carries the request id of the
 * context it was logged from.
 */
public final class JsonLogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level levelBefore;
  private final List<String> lines = new ArrayList<>();
  private final JsonLayout layout = new JsonLayout();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      String line = layout.doLayout(event);
      synchronized (lines) {
        lines.add(line.strip());
      }
    }
  };

  private JsonLogCapture(Logger logger, Level level) {
    this.logger = logger;
    this.levelBefore = logger.getLevel();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    layout.setContext(context);
    layout.start();
    appender.setContext(context);
    appender.setName("test-json-capture-" + logger.getName());
    appender.start();
    logger.addAppender(appender);
    if (level != null) {
      logger.setLevel(level);
    }
  }

  /** Everything logged anywhere in this JVM, at the configured levels. */
  public static JsonLogCapture all() {
    return new JsonLogCapture((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), null);
  }

  /** What {@code name} and the loggers below it log, down to {@code level}, until closed. */
  public static JsonLogCapture of(String name, Level level) {
    return new JsonLogCapture((Logger) LoggerFactory.getLogger(name), level);
  }

  public static JsonLogCapture of(Class<?> type) {
    return of(type.getName(), null);
  }

  /** The lines captured so far, as laid out. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The captured lines, parsed; fails if one is not a JSON object. */
  public List<JsonObject> events() {
    return lines().stream().map(line -> {
      try {
        return new JsonObject(line);
      } catch (RuntimeException e) {
        throw new AssertionError("a log line is not a JSON object: " + line, e);
      }
    }).toList();
  }

  public List<JsonObject> events(Predicate<JsonObject> wanted) {
    return events().stream().filter(wanted).toList();
  }

  /** Waits until a captured event matches; answers it, or fails after {@code timeoutMs}. */
  public JsonObject await(Predicate<JsonObject> wanted, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (true) {
      List<JsonObject> found = events(wanted);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such log line within " + timeoutMs + " ms; captured:\n" + String.join("\n", lines()));
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(levelBefore);
  }
}
