package io.dbgateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Slows down repeated failed authentications from one client address. Each address has a bucket of
 * {@link #BURST} failures, refilled at {@link #PER_SECOND} a second; a failure past it is answered
 * {@link #DELAY_MS} later, with {@code Retry-After}. Only failures count and only failures wait: a valid
 * credential from the same address (a NAT, a proxy) is never delayed or refused.
 *
 * <p>Cheap by design: one small bucket per address, and the whole map forgotten once it tracks more than
 * {@link #MAX_ADDRESSES} addresses, so spoofed or spread addresses cannot grow it without bound.
 */
public final class AuthFailures {

  public static final int BURST = 100;
  public static final double PER_SECOND = 10.0;
  public static final long DELAY_MS = 1_000;
  static final int MAX_ADDRESSES = 10_000;

  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongAdder failures = new LongAdder();
  private final LongAdder slowed = new LongAdder();

  public AuthFailures(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Counts a failed authentication from {@code address}; answers how long to wait before answering it (0: at once). */
  public long failed(String address) {
    failures.increment();
    if (buckets.size() > MAX_ADDRESSES) {
      buckets.clear();
    }
    boolean within = buckets.computeIfAbsent(address == null ? "unknown" : address, a -> new Bucket(nanoTime.getAsLong()))
        .take(nanoTime.getAsLong());
    if (within) {
      return 0;
    }
    slowed.increment();
    return DELAY_MS;
  }

  /** Failed authentications so far. */
  public long failures() {
    return failures.sum();
  }

  /** Of those, the ones answered late because their address was past its burst. */
  public long slowed() {
    return slowed.sum();
  }

  private static final class Bucket {
    private double tokens = BURST;
    private long updated;

    Bucket(long now) {
      this.updated = now;
    }

    synchronized boolean take(long now) {
      tokens = Math.min(BURST, tokens + (now - updated) / 1e9 * PER_SECOND);
      updated = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
