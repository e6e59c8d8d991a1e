package io.dbgateway.config;

import java.time.Duration;

/**
 * How the gateway behaves when the database misbehaves.
 *
 * @param breakerMaxFailures database-side failures within {@code breakerFailureWindow} that open a node's breaker
 * @param breakerCallGrace how long a call may run beyond its statements' own timeouts before it counts as a
 *     failure (the server stopped answering)
 * @param breakerResetTimeout how long an open breaker waits before letting one probe call through
 * @param retryMaxAttempts attempts of a unit whose failure provably did not commit (1 means no retry)
 * @param retryInitialDelay the pause before the first retry; it doubles, with jitter, up to {@code retryMaxDelay}
 * @param idempotencyRetention how long an idempotency key and its result are kept
 * @param shutdownDrain how long in-flight requests may take to finish after SIGTERM
 */
public record ResilienceConfig(
    int breakerMaxFailures,
    Duration breakerFailureWindow,
    Duration breakerCallGrace,
    Duration breakerResetTimeout,
    int retryMaxAttempts,
    Duration retryInitialDelay,
    Duration retryMaxDelay,
    Duration idempotencyRetention,
    Duration shutdownDrain) {}
