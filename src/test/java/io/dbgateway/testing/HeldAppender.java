package io.dbgateway.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.dbgateway.logging.JsonLayout;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * An appender for tests of asynchronous appenders: it lays each event out with {@link JsonLayout} when
 * it is written, on the thread that writes it (so a line shows what a console appender behind the queue
 * would print), notes that thread, and can hold the writer: the event whose message is {@link #HOLD}
 * blocks its thread until {@link #release()}, so the queue in front of it fills up. Unsynchronized: the
 * held writer does not keep other threads from writing.
 */
public final class HeldAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /** The message that holds the thread writing it. */
  public static final String HOLD = "hold the writer";

  /** One written line: its JSON and the thread that wrote it. */
  public record Line(JsonObject json, String writtenBy) {

    public String message() {
      return json.getString("message");
    }
  }

  private final JsonLayout layout = new JsonLayout();
  private final List<Line> lines = new ArrayList<>();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  public HeldAppender() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    setContext(context);
    setName("held");
    layout.setContext(context);
    layout.start();
    start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (HOLD.equals(event.getFormattedMessage())) {
      holding.countDown();
      try {
        if (!released.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Line line = new Line(new JsonObject(layout.doLayout(event)), Thread.currentThread().getName());
    synchronized (lines) {
      lines.add(line);
    }
  }

  /** Waits until the writer is held by the {@link #HOLD} event. */
  public void awaitHolding() throws InterruptedException {
    if (!holding.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the writer never reached the held event");
    }
  }

  public void release() {
    released.countDown();
  }

  public List<Line> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  public List<String> messages() {
    return lines().stream().map(Line::message).toList();
  }

  /** Waits until {@code count} lines have been written; answers them. */
  public List<Line> awaitLines(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lines().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + lines().size() + " of " + count + " lines written: " + messages());
      }
      Thread.sleep(5);
    }
    return lines();
  }
}
