package io.dbgateway.resilience;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Bounds how long a caller waits for work: {@link #within} with one timer, cancelled when the work ends
 * first; {@link #coarse} with one sweep per event loop, for the deadlines every request has.
 */
public final class Deadlines {

  /** How often each event loop's sweep looks for expired work: how late a coarse deadline may fire. */
  static final long SWEEP_MS = 100;

  /** The sweep of each event-loop thread, made on its first coarse deadline. */
  private static final ThreadLocal<Sweep> SWEEPS = new ThreadLocal<>();

  private Deadlines() {}

  /**
   * As {@link #within}, for a deadline that may fire up to {@link #SWEEP_MS} late: on an event loop, the
   * work joins that loop's list, which one periodic timer sweeps, instead of setting and cancelling a
   * timer of its own (a Vert.x timer costs a map entry and a scheduled task, twice per request). Off an
   * event loop, it is {@link #within}.
   */
  public static <T> Future<T> coarse(Vertx vertx, Future<T> work, long ms, Supplier<Throwable> expired) {
    if (work.isComplete()) {
      return work;
    }
    if (!Context.isOnEventLoopThread() || Vertx.currentContext() == null) {
      return within(vertx, work, ms, expired);
    }
    Sweep sweep = SWEEPS.get();
    if (sweep == null) {
      sweep = new Sweep();
      SWEEPS.set(sweep);
      Sweep started = sweep;
      vertx.setPeriodic(SWEEP_MS, id -> started.sweep(System.nanoTime()));
    }
    Promise<T> answer = Promise.promise();
    Watched watched = new Watched(System.nanoTime() + ms * 1_000_000, answer, expired);
    sweep.watching.add(watched);
    work.onComplete(done -> {
      watched.end();
      if (done.succeeded()) {
        answer.tryComplete(done.result());
      } else {
        answer.tryFail(done.cause());
      }
    });
    return answer.future();
  }

  /** Work one event loop waits on, until it ends or its deadline passes. */
  private static final class Watched {
    final long deadlineNanos;
    Promise<?> answer;
    Supplier<Throwable> expired;
    boolean ended;

    Watched(long deadlineNanos, Promise<?> answer, Supplier<Throwable> expired) {
      this.deadlineNanos = deadlineNanos;
      this.answer = answer;
      this.expired = expired;
    }

    /**
     * The work ended (or expired): nothing more to do, and nothing kept until the sweep drops it. The
     * answer holds the work's result (a streamed chunk of rows, say), which must not outlive its reader.
     */
    void end() {
      ended = true;
      answer = null;
      expired = null;
    }
  }

  /** One event loop's watched work; only that loop's thread touches it. */
  private static final class Sweep {
    final ArrayDeque<Watched> watching = new ArrayDeque<>();

    void sweep(long now) {
      for (int n = watching.size(); n > 0; n--) {
        Watched watched = watching.poll();
        if (watched.ended) {
          continue;
        }
        if (now - watched.deadlineNanos >= 0) {
          Promise<?> answer = watched.answer;
          Throwable failure = watched.expired.get();
          watched.end();
          if (failure != null) {
            answer.tryFail(failure);
          }
          continue;
        }
        watching.add(watched);
      }
    }
  }

  /**
   * {@code work}'s outcome, or the failure {@code expired} gives once {@code ms} have passed first. When
   * {@code expired} gives null, the caller keeps waiting for the work.
   */
  public static <T> Future<T> within(Vertx vertx, Future<T> work, long ms, Supplier<Throwable> expired) {
    if (work.isComplete()) {
      return work;
    }
    Promise<T> answer = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, ms), id -> {
      Throwable failure = expired.get();
      if (failure != null) {
        answer.tryFail(failure);
      }
    });
    work.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        answer.tryComplete(done.result());
      } else {
        answer.tryFail(done.cause());
      }
    });
    return answer.future();
  }
}
