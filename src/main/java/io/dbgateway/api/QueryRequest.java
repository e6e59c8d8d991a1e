package io.dbgateway.api;

/** A single statement, as sent to {@code POST /v1/query} or {@code dbgateway.query}. */
public record QueryRequest(Statement statement, Limits limits, boolean readOnly, Consistency consistency, String txId) {}
