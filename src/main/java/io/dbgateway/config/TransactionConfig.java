package io.dbgateway.config;

import java.time.Duration;

/**
 * Limits on interactive transactions.
 *
 * @param idleTimeout a transaction idle this long is rolled back
 * @param maxLifetime a transaction open this long is rolled back, busy or not
 * @param maxOpen the most transactions open at once in one gateway process; past it, 503
 * @param maxOpenPerKey the most transactions one API key may hold open at once; past it, 429
 */
public record TransactionConfig(Duration idleTimeout, Duration maxLifetime, int maxOpen, int maxOpenPerKey) {}
