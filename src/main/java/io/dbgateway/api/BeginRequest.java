package io.dbgateway.api;

/**
 * Begins an interactive transaction.
 *
 * @param readOnly the database keeps the whole transaction read-only
 * @param consistency for a read-only transaction on a Galera cluster, whether it must run on the writer
 *     and so see every acknowledged write; a read-write one always does
 */
public record BeginRequest(boolean readOnly, Consistency consistency) {}
