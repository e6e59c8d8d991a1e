package io.dbgateway.config;

import java.time.Duration;

/**
 * Connection pool limits, per gateway process and per database node.
 *
 * @param size the most connections to one node ({@code DB_POOL_SIZE})
 * @param maxWaitQueue requests that may wait for a connection; past it the answer is 503 at once
 * @param waitTimeout how long a request waits for a connection before a 503
 * @param idleTimeout an idle connection is closed after this
 * @param maxLifetime a connection is replaced after this, so stale ones do not linger
 * @param connectTimeout how long opening one connection may take
 * @param resetEverySession whether every connection's session is reset before it is lent again
 *     ({@code GATEWAY_SESSION_RESET=always}), not only after work whose SQL may have changed it ({@code auto})
 */
public record PoolConfig(
    int size,
    int maxWaitQueue,
    Duration waitTimeout,
    Duration idleTimeout,
    Duration maxLifetime,
    Duration connectTimeout,
    boolean resetEverySession) {}
