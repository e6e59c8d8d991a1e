package io.dbgateway.auth;

import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.error.ErrorCode;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The SigV4 signatures the gateway accepted, each remembered until its {@code X-Amz-Date} leaves the
 * 15-minute window, so a captured signed request sent again cannot write (AWS relies on TLS for that):
 * {@link SigV4Verifier} lets a repeated signature only read. A client retrying a write on purpose signs
 * again, which gives a new signature (AWS SDKs sign each attempt, with its attempt number), and an
 * {@code Idempotency-Key} makes that retry safe.
 *
 * <p>Memory: at most {@link #MAX_SIGNATURES} entries of a 64-character signature and a time, about
 * 200 bytes each with the map's own, so about 20 MB when full. Full means 100,000 signed requests in
 * 15 minutes (110 a second on average) still inside their window: past that, expired entries are
 * swept, and if none have expired a signed request is answered 503 with {@code Retry-After} rather than
 * forgetting a signature that could then be replayed. One per process: a signature seen by one event
 * loop is seen by all. Another gateway process keeps its own, so behind a load balancer a replay to
 * another instance is not caught (until cluster mode shares it).
 */
public final class SeenSignatures {

  public static final int MAX_SIGNATURES = 100_000;

  private final Map<String, Instant> until = new ConcurrentHashMap<>();
  private final Supplier<Instant> now;
  private final int max;

  public SeenSignatures(Supplier<Instant> now) {
    this(now, MAX_SIGNATURES);
  }

  SeenSignatures(Supplier<Instant> now, int max) {
    this.now = now;
    this.max = max;
  }

  /**
   * Records a use of {@code signature}, valid until {@code expires}.
   *
   * @return whether this is its first use
   * @throws GatewayException 503 when the memory is full of live signatures
   */
  boolean firstUse(String signature, Instant expires) {
    if (until.containsKey(signature)) {
      return false;
    }
    if (until.size() >= max) {
      Instant at = now.get();
      until.values().removeIf(expiry -> expiry.isBefore(at));
      if (until.size() >= max) {
        throw new GatewayException(new Problem(ErrorCode.UNAVAILABLE, "too many signed requests within their"
            + " 15-minute window to remember them all; retry shortly", null, null, null, true,
            Failures.RETRY_AFTER_SECONDS));
      }
    }
    return until.putIfAbsent(signature, expires) == null;
  }

  /** How many signatures are remembered now. */
  int size() {
    return until.size();
  }
}
