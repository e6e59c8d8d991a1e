package io.dbgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.dbgateway.testing.HeldAppender;
import io.dbgateway.testing.HeldAppender.Line;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The access log's asynchronous appender: a full queue drops access lines and counts them, never a WARN
 * or ERROR line; a line laid out on the appender's thread still names its request; the end of the
 * process writes out the queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncAccessAppenderTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger log = context.getLogger("test.access." + UUID.randomUUID());
  private final HeldAppender held = new HeldAppender();
  private AsyncAccessAppender appender;

  private AsyncAccessAppender start(int queueSize) {
    appender = new AsyncAccessAppender();
    appender.setContext(context);
    appender.setName("access-test");
    appender.setQueueSize(queueSize);
    appender.setFlushOnExit(false);
    appender.addAppender(held);
    appender.start();
    log.setAdditive(false); // the test's own lines only
    log.setLevel(Level.INFO);
    log.addAppender(appender);
    return appender;
  }

  @AfterEach
  void stop() {
    held.release();
    if (appender != null) {
      log.detachAppender(appender);
      appender.stop();
    }
  }

  @Test
  void aFullQueueDropsAndCountsAccessLinesButWritesWarningsAndErrorsAtOnce() throws Exception {
    start(4);
    long droppedBefore = AsyncAccessAppender.dropped();
    log.info(HeldAppender.HOLD);
    held.awaitHolding(); // the writer is stuck, as behind a stdout nobody reads
    for (int i = 0; i < 4; i++) {
      log.info("queued {}", i);
    }
    assertThat(appender.queued()).isEqualTo(4);
    for (int i = 0; i < 6; i++) {
      log.info("dropped {}", i);
    }
    log.warn("a warning while the queue is full");
    log.error("an error while the queue is full", new IllegalStateException("boom"));

    // Written at once, on the thread that logged them, while the writer is still held.
    assertThat(held.messages()).containsExactly("a warning while the queue is full", "an error while the queue is full");
    assertThat(held.lines()).extracting(Line::writtenBy).containsOnly(Thread.currentThread().getName());
    assertThat(held.lines().get(1).json().getString("exception")).startsWith("java.lang.IllegalStateException: boom");
    assertThat(appender.getDroppedCount()).isEqualTo(6);
    assertThat(AsyncAccessAppender.dropped() - droppedBefore).isEqualTo(6);

    held.release();
    List<Line> lines = held.awaitLines(2 + 1 + 4);
    Thread.sleep(50);
    assertThat(held.messages()).containsExactlyInAnyOrder("a warning while the queue is full",
        "an error while the queue is full", HeldAppender.HOLD, "queued 0", "queued 1", "queued 2", "queued 3");
    assertThat(lines.subList(2, lines.size())).extracting(Line::writtenBy).allMatch(t -> t.startsWith("dbgateway-access-log"));
    assertThat(appender.getDroppedCount()).isEqualTo(6);
  }

  @Test
  void warningsAreNotDroppedWhateverTheirNumber() throws Exception {
    start(2);
    long droppedBefore = AsyncAccessAppender.dropped();
    log.info(HeldAppender.HOLD);
    held.awaitHolding();
    IntStream.range(0, 50).forEach(i -> log.warn("warning {}", i));
    IntStream.range(0, 50).forEach(i -> log.error("error {}", i));
    held.release();
    held.awaitLines(101);
    assertThat(held.messages()).containsAll(IntStream.range(0, 50).mapToObj(i -> "warning " + i).toList())
        .containsAll(IntStream.range(0, 50).mapToObj(i -> "error " + i).toList());
    assertThat(AsyncAccessAppender.dropped() - droppedBefore).isZero();
  }

  @Test
  void aLineLaidOutOnTheAppendersThreadStillCarriesItsRequestIdAndKeyId() throws Exception {
    start(16);
    Vertx vertx = Vertx.vertx();
    try {
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      CompletableFuture<String> loggedOn = new CompletableFuture<>();
      request.runOnContext(v -> {
        LogContext.enter("async-req-1", null);
        LogContext.keyId("async-key");
        log.info("a line of the request, without fields of its own");
        log.atInfo().addKeyValue("requestId", "forged").addKeyValue("status", 200).log("a line naming another request");
        loggedOn.complete(Thread.currentThread().getName());
      });
      String eventLoop = loggedOn.get(10, TimeUnit.SECONDS);
      log.info("a line outside any request");

      List<Line> lines = held.awaitLines(3);
      assertThat(lines).extracting(Line::writtenBy).allMatch(t -> t.startsWith("dbgateway-access-log"));
      Line plain = lines.get(0);
      assertThat(plain.json().getString("requestId")).isEqualTo("async-req-1");
      assertThat(plain.json().getString("keyId")).isEqualTo("async-key");
      assertThat(plain.json().getString("thread")).as("the thread that logged it").isEqualTo(eventLoop);
      Line named = lines.get(1);
      assertThat(named.json().getString("requestId")).as("the context's, as a synchronous appender writes it")
          .isEqualTo("async-req-1");
      assertThat(named.json().getString("keyId")).isEqualTo("async-key");
      assertThat(named.json().getInteger("status")).isEqualTo(200);
      assertThat(named.json().encode()).doesNotContain("forged");
      Line outside = lines.get(2);
      assertThat(outside.json().containsKey("requestId")).isFalse();
      assertThat(outside.json().containsKey("keyId")).isFalse();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void flushingWritesOutTheQueueThenWritesEveryLineAtOnce() throws Exception {
    start(16);
    log.info(HeldAppender.HOLD);
    held.awaitHolding();
    for (int i = 0; i < 3; i++) {
      log.info("queued {}", i);
    }
    CompletableFuture<Boolean> flushed = CompletableFuture.supplyAsync(() -> AsyncAccessAppender.flushAll(Duration.ofSeconds(20)));
    Thread.sleep(100);
    assertThat(flushed).as("waits for the queue").isNotDone();
    held.release();
    assertThat(flushed.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(held.messages()).containsExactly(HeldAppender.HOLD, "queued 0", "queued 1", "queued 2");

    log.info("after the flush");
    assertThat(held.messages()).last().isEqualTo("after the flush");
    assertThat(held.lines().get(4).writtenBy()).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void flushingGivesUpAfterItsTimeout() throws Exception {
    start(16);
    log.info(HeldAppender.HOLD);
    held.awaitHolding();
    log.info("queued");
    long start = System.nanoTime();
    assertThat(AsyncAccessAppender.flushAll(Duration.ofMillis(200))).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }
}
