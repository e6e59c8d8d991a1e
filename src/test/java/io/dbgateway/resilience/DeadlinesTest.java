package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coarse deadline of every database call: swept on each event loop instead of a timer per call. */
class DeadlinesTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void workThatNeverEndsFailsAfterItsDeadlineAndAtMostOneSweepLate() throws Exception {
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    long start = System.nanoTime();
    vertx.runOnContext(v -> Deadlines.coarse(vertx, Promise.<String>promise().future(), 150,
            () -> new IllegalStateException("expired"))
        .onComplete(done -> failed.complete(done.cause())));
    assertThat(failed.get(10, TimeUnit.SECONDS)).hasMessage("expired");
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(waitedMs).isGreaterThanOrEqualTo(150).isLessThan(150 + Deadlines.SWEEP_MS + 1_000);
  }

  @Test
  void workThatEndsFirstAnswersItsOwnOutcomeAndIsNeverExpired() throws Exception {
    AtomicInteger expired = new AtomicInteger();
    CompletableFuture<String> answers = new CompletableFuture<>();
    CompletableFuture<String> failures = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      Promise<String> ok = Promise.promise();
      Deadlines.coarse(vertx, ok.future(), 100, () -> {
        expired.incrementAndGet();
        return new IllegalStateException("expired");
      }).onSuccess(answers::complete);
      Promise<String> bad = Promise.promise();
      Deadlines.coarse(vertx, bad.future(), 100, () -> {
        expired.incrementAndGet();
        return new IllegalStateException("expired");
      }).onFailure(failure -> failures.complete(failure.getMessage()));
      vertx.setTimer(20, id -> {
        ok.complete("done");
        bad.fail("refused");
      });
    });
    assertThat(answers.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(failures.get(10, TimeUnit.SECONDS)).isEqualTo("refused");
    Thread.sleep(100 + 3 * Deadlines.SWEEP_MS);
    assertThat(expired).as("the sweep drops ended work without expiring it").hasValue(0);
  }

  @Test
  void endedWorkKeepsNothingReachableUntilTheSweep() throws Exception {
    // All on the event loop, in one task, so the sweep cannot run in between: the list must not hold the
    // result (a streamed chunk of rows, say) of work that has ended.
    CompletableFuture<Boolean> collected = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      java.lang.ref.WeakReference<byte[]> result = endedWork();
      for (int i = 0; i < 10 && result.get() != null; i++) {
        System.gc();
      }
      collected.complete(result.get() == null);
    });
    assertThat(collected.get(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Work watched with a long deadline, ended with a result; only a weak reference to the result is left. */
  private java.lang.ref.WeakReference<byte[]> endedWork() {
    Promise<byte[]> work = Promise.promise();
    Deadlines.coarse(vertx, work.future(), 60_000, () -> new IllegalStateException("expired"));
    byte[] result = new byte[1 << 20];
    work.complete(result);
    return new java.lang.ref.WeakReference<>(result);
  }

  @Test
  void offAnEventLoopItStillExpires() throws Exception {
    Future<String> answer = Deadlines.coarse(vertx, Promise.<String>promise().future(), 50,
        () -> new IllegalStateException("expired"));
    assertThat(answer.toCompletionStage().toCompletableFuture()).failsWithin(10, TimeUnit.SECONDS);
  }

  @Test
  void anAlarmRunsOnItsEventLoopAfterItsTimeAndACancelledOneNever() throws Exception {
    CompletableFuture<Long> rangAfterMs = new CompletableFuture<>();
    AtomicInteger cancelledRang = new AtomicInteger();
    CompletableFuture<Thread> loop = new CompletableFuture<>();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    long start = System.nanoTime();
    vertx.runOnContext(v -> {
      loop.complete(Thread.currentThread());
      Deadlines.alarm(vertx, 150, () -> {
        ranOn.complete(Thread.currentThread());
        rangAfterMs.complete((System.nanoTime() - start) / 1_000_000);
      });
      Deadlines.Alarm cancelled = Deadlines.alarm(vertx, 100, cancelledRang::incrementAndGet);
      vertx.setTimer(20, id -> cancelled.cancel());
    });
    assertThat(rangAfterMs.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(150).isLessThan(150 + Deadlines.SWEEP_MS + 1_000);
    assertThat(ranOn.get(1, TimeUnit.SECONDS)).isSameAs(loop.get());
    Thread.sleep(100 + 3 * Deadlines.SWEEP_MS);
    assertThat(cancelledRang).as("a cancelled alarm never runs").hasValue(0);
  }

  @Test
  void anAlarmThatThrowsLeavesTheOthersOfItsSweepToRun() throws Exception {
    CompletableFuture<Boolean> second = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      Deadlines.alarm(vertx, 50, () -> {
        throw new IllegalStateException("an action that fails");
      });
      Deadlines.alarm(vertx, 50, () -> second.complete(true));
    });
    assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
