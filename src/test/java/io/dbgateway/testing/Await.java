package io.dbgateway.testing;

import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Waits for a condition instead of for a fixed time: a test orders events by what it sees happen. */
public final class Await {

  private static final long POLL_MS = 20;

  private Await() {}

  /**
   * Asks {@code value} until its answer satisfies {@code wanted}, and answers it; fails with the last
   * answer when {@code timeoutMs} pass first. The timeout only bounds a hang: nothing is timed.
   */
  public static <T> T until(String what, Callable<T> value, Predicate<? super T> wanted, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (true) {
      T answer = value.call();
      if (wanted.test(answer)) {
        return answer;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + timeoutMs + " ms; the last answer: " + answer);
      }
      Thread.sleep(POLL_MS);
    }
  }

  /** Sleeps {@code millis}, turning an interruption into a failure (for pauses between a test's steps). */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP response with its body (the problem's detail says why), anything else as it prints. */
  private static String describe(Object answer) {
    return answer instanceof java.net.http.HttpResponse<?> response
        ? response + " " + response.body()
        : String.valueOf(answer);
  }
}
