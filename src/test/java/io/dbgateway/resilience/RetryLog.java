package io.dbgateway.resilience;

import io.dbgateway.testing.LogCapture;
import java.util.List;

/**
 * Counts the retries the gateways in this JVM schedule, from {@link RetryPolicy}'s own log line. It
 * shows attempts on engines where the database has no non-transactional side effect to count them.
 */
final class RetryLog implements AutoCloseable {

  private final LogCapture capture = LogCapture.attach(RetryPolicy.class);

  /** The retry lines logged since this log was opened. */
  List<String> retries() {
    return capture.messagesSince(0).stream().filter(line -> line.contains("failed safely")).toList();
  }

  /** Waits until at least {@code count} retries were logged; answers whether they were. */
  boolean awaitRetries(int count, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (retries().size() < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public void close() {
    capture.detach();
  }
}
