package io.dbgateway.api;

/**
 * Begins an interactive transaction.
 *
 * @param readOnly the database keeps the whole transaction read-only
 */
public record BeginRequest(boolean readOnly) {}
