package io.dbgateway.resilience;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Bounds how long a caller waits for work: {@link #within} with one timer, cancelled when the work ends
 * first; {@link #coarse} and {@link #alarm} with one sweep per event loop, for the deadlines every request
 * or connection has.
 */
public final class Deadlines {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Deadlines.class);

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
    Sweep sweep = sweepOfThisLoop(vertx);
    if (sweep == null) {
      return within(vertx, work, ms, expired);
    }
    Promise<T> answer = Promise.promise();
    Watched watched = new Watched(System.nanoTime() + ms * 1_000_000, () -> {
      Throwable failure = expired.get();
      if (failure != null) {
        answer.tryFail(failure);
      }
    });
    sweep.watching.add(watched);
    work.onComplete(done -> {
      watched.cancel();
      if (done.succeeded()) {
        answer.tryComplete(done.result());
      } else {
        answer.tryFail(done.cause());
      }
    });
    return answer.future();
  }

  /** An action due at a time unless cancelled first: see {@link #alarm}. */
  public interface Alarm {
    /** The action will not run (if it has not yet); what it holds is let go. */
    void cancel();
  }

  /**
   * Runs {@code action} on this event loop once {@code ms} have passed (up to {@link #SWEEP_MS} late),
   * unless the alarm is cancelled first: a timer for the bounds every connection or request has (header
   * and body timeouts), which costs a list entry instead of a Vert.x timer set and cancelled each time.
   * Off an event loop it is a Vert.x timer.
   */
  public static Alarm alarm(Vertx vertx, long ms, Runnable action) {
    Sweep sweep = sweepOfThisLoop(vertx);
    if (sweep == null) {
      long timer = vertx.setTimer(Math.max(1, ms), id -> action.run());
      return () -> vertx.cancelTimer(timer);
    }
    Watched watched = new Watched(System.nanoTime() + ms * 1_000_000, action);
    sweep.watching.add(watched);
    return watched;
  }

  /** The sweep of the calling event loop, started on first use; null off an event loop. */
  private static Sweep sweepOfThisLoop(Vertx vertx) {
    if (!Context.isOnEventLoopThread() || Vertx.currentContext() == null) {
      return null;
    }
    Sweep sweep = SWEEPS.get();
    if (sweep == null) {
      sweep = new Sweep();
      SWEEPS.set(sweep);
      Sweep started = sweep;
      vertx.setPeriodic(SWEEP_MS, id -> started.sweep(System.nanoTime()));
    }
    return sweep;
  }

  /** An action one event loop runs at its deadline, unless cancelled first. */
  private static final class Watched implements Alarm {
    final long deadlineNanos;
    Runnable action;

    Watched(long deadlineNanos, Runnable action) {
      this.deadlineNanos = deadlineNanos;
      this.action = action;
    }

    /**
     * Nothing more to do, and nothing kept until the sweep drops it: the action holds the work's answer
     * (a streamed chunk of rows, say), which must not outlive its reader.
     */
    @Override
    public void cancel() {
      action = null;
    }
  }

  /** One event loop's watched work; only that loop's thread touches it. */
  private static final class Sweep {
    final ArrayDeque<Watched> watching = new ArrayDeque<>();

    void sweep(long now) {
      for (int n = watching.size(); n > 0; n--) {
        Watched watched = watching.poll();
        Runnable action = watched.action;
        if (action == null) {
          continue;
        }
        if (now - watched.deadlineNanos >= 0) {
          watched.cancel();
          try {
            action.run();
          } catch (RuntimeException e) {
            log.error("a deadline's action failed", e); // the sweep goes on with the others
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
