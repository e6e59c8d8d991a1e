package io.dbgateway.db;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.Future;
import io.dbgateway.resilience.Deadlines;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one deadline of a unit of work, derived once when the unit starts: its {@code timeoutMs} plus the
 * wait for a connection. Every later bound comes from it: how long each attempt may take, when the
 * breaker gives up on a node, and when a transaction stops.
 *
 * <p>A transactional unit that reaches its deadline before sending COMMIT is stopped: its running
 * statement is cancelled on the server, COMMIT is never sent, and the caller gets 504 at once, knowing
 * that nothing of it committed (the rollback follows on the same connection, which is given back once
 * it is done). A unit whose COMMIT is already on its way gets its true outcome, a moment later.
 */
final class UnitDeadline {

  private static final int RUNNING = 0;
  private static final int COMMITTING = 1;
  private static final int EXPIRED = 2;

  private final long deadlineNanos;
  private final long budgetMs;

  private UnitDeadline(long deadlineNanos, long budgetMs) {
    this.deadlineNanos = deadlineNanos;
    this.budgetMs = budgetMs;
  }

  /** A unit starting now, whose statements may take {@code timeoutMs} after waiting up to {@code poolWaitMs}. */
  static UnitDeadline start(long timeoutMs, long poolWaitMs) {
    return new UnitDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs + poolWaitMs), timeoutMs);
  }

  /** Milliseconds left, at least 0. */
  long remainingMs() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  GatewayException expired() {
    return new GatewayException(new Problem(ErrorCode.TIMEOUT, "the work ran past its timeout of " + budgetMs
        + " ms: its running statement was cancelled and it was rolled back, so nothing of it committed",
        null, null, null, true, null));
  }

  /**
   * Runs {@code cancel} if {@code work} is still running once the deadline has passed (checked by the
   * event loop's coarse sweep, so up to {@code Deadlines.SWEEP_MS} late); the work's own outcome stays its
   * answer (a cancelled statement answers 504). For single statements, which the database's own timeout
   * normally ends first.
   */
  void cancelOnOverrun(Vertx vertx, Future<?> work, Runnable cancel) {
    Deadlines.coarse(vertx, work, remainingMs(), () -> {
      cancel.run();
      return null;
    });
  }

  /**
   * One transaction's run against this deadline. {@link #mayCommit} is asked before COMMIT is sent; the
   * answer is {@code work}'s outcome, or the 504 of {@link #expired} once the deadline passes first.
   */
  Watch watch(Vertx vertx, Runnable cancel) {
    return new Watch(vertx, cancel);
  }

  final class Watch {
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Vertx vertx;
    private final Runnable cancel;

    private Watch(Vertx vertx, Runnable cancel) {
      this.vertx = vertx;
      this.cancel = cancel;
    }

    GatewayException expired() {
      return UnitDeadline.this.expired();
    }

    /** True once: the deadline has not passed, and COMMIT may be sent; from now on the deadline waits for it. */
    boolean mayCommit() {
      return state.compareAndSet(RUNNING, COMMITTING);
    }

    /**
     * {@code work}'s outcome, unless the deadline passes before it commits. A statement that runs past
     * {@code timeoutMs} meets its own server-side timeout first, and its 504 names it.
     */
    <T> Future<T> untilDeadline(Future<T> work) {
      return Deadlines.within(vertx, work, remainingMs(), () -> {
        if (!state.compareAndSet(RUNNING, EXPIRED)) {
          return null; // COMMIT is on its way: its outcome is the answer
        }
        cancel.run();
        return expired();
      });
    }
  }
}
