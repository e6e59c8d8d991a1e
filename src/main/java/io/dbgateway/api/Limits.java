package io.dbgateway.api;

/**
 * How much one request may return and how long each statement may run.
 *
 * @param timeoutMs the server-side timeout of each statement
 */
public record Limits(int maxRows, long timeoutMs, ResultFormat format) {}
