package io.dbgateway.config;

/**
 * Per-request and per-key limits.
 *
 * @param maxParams the most parameters one statement (or one batch parameter set) may bind
 * @param requestsPerSecond requests per second one API key may make, 0 for no limit
 * @param burst requests a key may make at once above its steady rate
 */
public record LimitsConfig(int maxParams, int requestsPerSecond, int burst) {}
