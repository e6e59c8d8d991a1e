package io.dbgateway.resilience;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Bounds how long a caller waits for work, with one timer, cancelled when the work ends first. */
public final class Deadlines {

  private Deadlines() {}

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
