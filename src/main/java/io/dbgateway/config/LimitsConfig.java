package io.dbgateway.config;

/**
 * Per-request and per-key limits.
 *
 * @param maxParams the most parameters one statement (or one batch parameter set) may bind
 * @param requestsPerSecond requests per second one API key may make, 0 for no limit
 * @param burst the size of a key's token bucket (requests at once), 0 for the same as the rate
 */
public record LimitsConfig(int maxParams, int requestsPerSecond, int burst) {

  /** {@code GATEWAY_LIMIT_MAX_PARAMS} when it is not set. */
  public static final int DEFAULT_MAX_PARAMS = 1000;
}
