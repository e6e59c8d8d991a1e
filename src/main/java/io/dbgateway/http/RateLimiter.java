package io.dbgateway.http;

import io.dbgateway.config.LimitsConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key id, shared by every HTTP verticle and bridge instance of the process: a key may make
 * {@code burst} requests at once, then {@code requestsPerSecond} on average. Anonymous callers share one
 * bucket. The map holds one entry per configured key (plus anonymous), so it cannot grow without bound.
 */
public final class RateLimiter {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int requestsPerSecond;
  private final int burst;
  /** This instance's share of each key's rate and burst: the whole, or a part in cluster mode. */
  private volatile Share share;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(LimitsConfig limits) {
    this(limits.requestsPerSecond(), limits.burst(), System::nanoTime);
  }

  /** A clock of its own, for tests. {@code burst} 0 means the same as the rate; a rate of 0 never limits. */
  public RateLimiter(int requestsPerSecond, int burst, LongSupplier nanoTime) {
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst > 0 ? burst : requestsPerSecond;
    this.nanoTime = nanoTime;
    this.share = new Share(requestsPerSecond / (double) NANOS_PER_SECOND, this.burst);
  }

  /** A rate in tokens per nanosecond, and the most a bucket holds. */
  private record Share(double ratePerNano, double capacity) {}

  /**
   * In cluster mode: the gateway instances now in the cluster, which share each key's rate and burst
   * equally, so that the cluster as a whole admits about what one instance would (docs/cluster.md). A
   * bucket's capacity is never below one request.
   */
  public void instances(int count) {
    int n = Math.max(1, count);
    share = new Share(requestsPerSecond / (double) NANOS_PER_SECOND / n, Math.max(1.0, burst / (double) n));
  }

  public boolean enabled() {
    return requestsPerSecond > 0;
  }

  /**
   * Takes a token from the key's bucket. Answers 0 when the request may go on, otherwise the whole
   * seconds (at least 1) until a token is free, for {@code Retry-After}.
   */
  public int acquire(String keyId) {
    if (!enabled()) {
      return 0;
    }
    return buckets.computeIfAbsent(keyId, id -> new Bucket(share.capacity(), nanoTime.getAsLong())).take();
  }

  /** Takes a token for {@code keyId}; empty when the request may go on, else its 429 with Retry-After. */
  public Optional<Problem> admit(String keyId) {
    int retryAfter = acquire(keyId);
    return retryAfter == 0 ? Optional.empty() : Optional.of(Problem.of(ErrorCode.RATE_LIMITED, "more than "
        + requestsPerSecond + " requests per second for this key; retry after " + retryAfter + " s")
        .withRetryAfter(retryAfter));
  }

  private final class Bucket {
    private double tokens;
    private long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }

    synchronized int take() {
      long now = nanoTime.getAsLong();
      Share share = RateLimiter.this.share;
      double ratePerNano = share.ratePerNano();
      tokens = Math.min(share.capacity(), tokens + (now - updated) * ratePerNano);
      updated = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      double waitNanos = (1 - tokens) / ratePerNano;
      return (int) Math.max(1, Math.ceil(waitNanos / NANOS_PER_SECOND));
    }
  }
}
