package io.dbgateway.db;

import io.dbgateway.resilience.NodeBreaker;

/** One database node a unit can run on: its pools and its circuit breaker. */
public record Route(String node, ConnectionSource connections, NodeBreaker breaker) {}
