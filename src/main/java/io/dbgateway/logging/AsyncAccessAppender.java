package io.dbgateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.event.KeyValuePair;

/**
 * The access log's appender: it hands each event to the appenders it references on a thread of its own,
 * through a bounded queue, so the thread that logs (an event loop) never waits for standard output.
 *
 * <p>When the queue is full, an event below {@code WARN} (an access line) is dropped and counted
 * ({@link #dropped()}, the {@code dbgateway_access_log_dropped_total} metric), so a slow log reader
 * costs access lines, never request latency. A {@code WARN} or {@code ERROR} event is never dropped: when
 * the queue is full it is written at once, on the thread that logs it, as a synchronous appender would.
 *
 * <p>The event is laid out later, on this appender's thread, where no Vert.x context is current; so
 * before queueing it the appender copies the request id and key id of the logging context
 * ({@link LogContext#current()}) into the event's key-value pairs, where {@link JsonLayout} and
 * {@link RequestIdConverter} find them ({@link LogContext#of(ILoggingEvent)}).
 *
 * <p>At the end of the process ({@link #flushAll()}, or the JVM's shutdown hooks) it writes out
 * what is queued, waiting at most {@code maxFlushTime} ms, and from then on writes every event on the
 * thread that logs it, so the last lines are not lost to the JVM exiting.
 *
 * <pre>{@code
 * <appender name="ACCESS" class="io.dbgateway.logging.AsyncAccessAppender">
 *   <queueSize>8192</queueSize>
 *   <appender-ref ref="ACCESS_STDOUT"/>
 * </appender>
 * }</pre>
 */
public final class AsyncAccessAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {

  public static final int DEFAULT_QUEUE_SIZE = 8192;
  public static final int DEFAULT_MAX_FLUSH_TIME_MS = 2000;

  /** Events dropped by every such appender of this JVM: the metric reads it. */
  private static final LongAdder DROPPED = new LongAdder();
  private static final Set<AsyncAccessAppender> STARTED = ConcurrentHashMap.newKeySet();
  private static final int BATCH = 256;
  /** How long the writer thread sleeps when it finds the queue empty: the most an access line waits. */
  private static final long IDLE_POLL_MS = 10;

  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  /** Events queued or being written by the worker, not yet written. */
  private final AtomicInteger outstanding = new AtomicInteger();
  private final LongAdder droppedHere = new LongAdder();
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private int maxFlushTime = DEFAULT_MAX_FLUSH_TIME_MS;
  private boolean flushOnExit = true;
  private BlockingQueue<ILoggingEvent> queue;
  private Thread worker;
  private Thread exitHook;
  /** Set at the end of the process: every event is written on the thread that logs it. */
  private volatile boolean synchronous;

  /** Events dropped so far by the access-log appenders of this JVM, because their queue was full. */
  public static long dropped() {
    return DROPPED.sum();
  }

  /**
   * Writes out what every started access-log appender has queued, waiting at most {@code timeout}, and
   * makes them write each later event on the thread that logs it. For the end of the process: call it
   * before {@link Runtime#halt(int)}, which skips the shutdown hook that would otherwise do this.
   *
   * @return whether everything queued was written within {@code timeout}
   */
  public static boolean flushAll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean flushed = true;
    for (AsyncAccessAppender appender : STARTED) {
      flushed &= appender.drainAndWriteSynchronously(deadline);
    }
    return flushed;
  }

  /** {@link #flushAll(Duration)}, each appender waiting at most its own {@code maxFlushTime}. */
  public static boolean flushAll() {
    boolean flushed = true;
    for (AsyncAccessAppender appender : STARTED) {
      flushed &= appender.drainAndWriteSynchronously(System.nanoTime()
          + TimeUnit.MILLISECONDS.toNanos(appender.maxFlushTime));
    }
    return flushed;
  }

  /** The queue's capacity, in events (default 8192). */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public int getQueueSize() {
    return queueSize;
  }

  /** How long stopping or the end of the process waits for the queue to be written, in ms (default 2000). */
  public void setMaxFlushTime(int maxFlushTime) {
    this.maxFlushTime = maxFlushTime;
  }

  public int getMaxFlushTime() {
    return maxFlushTime;
  }

  /** Whether a JVM shutdown hook writes out the queue (default true). */
  public void setFlushOnExit(boolean flushOnExit) {
    this.flushOnExit = flushOnExit;
  }

  public boolean isFlushOnExit() {
    return flushOnExit;
  }

  /** Events this appender dropped because its queue was full. */
  public long getDroppedCount() {
    return droppedHere.sum();
  }

  /** Events waiting in the queue now. */
  public int queued() {
    BlockingQueue<ILoggingEvent> q = queue;
    return q == null ? 0 : q.size();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (queueSize < 1) {
      addError("queueSize must be at least 1, not " + queueSize);
      return;
    }
    if (!appenders.iteratorForAppenders().hasNext()) {
      addWarn("no appender-ref: access lines will go nowhere");
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    synchronous = false;
    worker = new Thread(this::work, "dbgateway-access-log" + (getName() == null ? "" : "-" + getName()));
    worker.setDaemon(true);
    super.start();
    worker.start();
    STARTED.add(this);
    if (flushOnExit) {
      exitHook = new Thread(() -> drainAndWriteSynchronously(System.nanoTime()
          + TimeUnit.MILLISECONDS.toNanos(maxFlushTime)), "dbgateway-access-log-flush");
      Runtime.getRuntime().addShutdownHook(exitHook);
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop(); // later events are refused
    STARTED.remove(this);
    if (exitHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs, or has run
      }
      exitHook = null;
    }
    worker.interrupt(); // it writes what is queued, then stops the appenders it references
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxFlushTime);
    while (worker.isAlive() && System.nanoTime() < deadline) {
      try {
        worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        interrupted = true; // stopping still waits for the queue
      }
    }
    if (worker.isAlive()) {
      addWarn("stopped with " + queue.size() + " access lines still queued after " + maxFlushTime + " ms");
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    captureLogContext(event);
    event.prepareForDeferredProcessing();
    outstanding.incrementAndGet(); // before reading synchronous: see drainAndWriteSynchronously
    if (!synchronous && queue.offer(event)) {
      return;
    }
    outstanding.decrementAndGet();
    if (synchronous || event.getLevel().isGreaterOrEqual(Level.WARN)) {
      appenders.appendLoopOnAppenders(event);
      flushAppenders();
    } else {
      DROPPED.increment();
      droppedHere.increment();
    }
  }

  /**
   * Makes the event carry the request id and key id of the context that logs it, as key-value pairs,
   * replacing pairs of the same name as {@link JsonLayout} would have (the context's win).
   */
  static void captureLogContext(ILoggingEvent event) {
    LogContext context = LogContext.current();
    if (context == null || context.requestId() == null || !(event instanceof LoggingEvent loggingEvent)) {
      return;
    }
    List<KeyValuePair> given = event.getKeyValuePairs();
    List<KeyValuePair> pairs = new ArrayList<>((given == null ? 0 : given.size()) + 2);
    pairs.add(new KeyValuePair(LogContext.REQUEST_ID, context.requestId()));
    if (context.keyId() != null) {
      pairs.add(new KeyValuePair(LogContext.KEY_ID, context.keyId()));
    }
    if (given != null) {
      for (KeyValuePair pair : given) {
        boolean replaced = LogContext.REQUEST_ID.equals(pair.key)
            || LogContext.KEY_ID.equals(pair.key) && context.keyId() != null;
        if (!replaced) {
          pairs.add(pair);
        }
      }
    }
    loggingEvent.setKeyValuePairs(pairs);
  }

  private void work() {
    List<ILoggingEvent> batch = new ArrayList<>(BATCH);
    try {
      while (true) {
        if (queue.drainTo(batch, BATCH) == 0) {
          // Poll rather than wait in take(): a thread that logs then never has to wake this one, which
          // would cost it a futex call and a context switch for every access line.
          Thread.sleep(IDLE_POLL_MS);
          continue;
        }
        write(batch);
      }
    } catch (InterruptedException e) {
      // stop(): write what is left, then stop
    }
    queue.drainTo(batch);
    write(batch);
    appenders.detachAndStopAllAppenders();
  }

  private void write(List<ILoggingEvent> batch) {
    for (ILoggingEvent event : batch) {
      try {
        appenders.appendLoopOnAppenders(event);
      } catch (RuntimeException e) {
        addError("an appender failed to write an access line", e);
      }
    }
    flushAppenders();
    outstanding.addAndGet(-batch.size());
    batch.clear();
  }

  /** Writes out what buffering appenders ({@link BatchingStdoutAppender}) hold: once a batch, not once a line. */
  private void flushAppenders() {
    appenders.iteratorForAppenders().forEachRemaining(appender -> {
      if (appender instanceof ch.qos.logback.core.OutputStreamAppender<?> stream && stream.getOutputStream() != null) {
        try {
          stream.getOutputStream().flush();
        } catch (java.io.IOException e) {
          addError("could not write access lines", e);
        }
      }
    });
  }

  /**
   * From now on every event is written on the thread that logs it; waits until the queued ones have
   * been written, or {@code deadline} (a {@link System#nanoTime()}) has passed.
   */
  boolean drainAndWriteSynchronously(long deadline) {
    synchronous = true;
    // An append that read synchronous as false counted itself in outstanding first, so this waits for it.
    while (outstanding.get() > 0) {
      if (System.nanoTime() - deadline > 0 || worker == null || !worker.isAlive()) {
        return outstanding.get() <= 0;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> appender) {
    appenders.addAppender(appender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }
}
