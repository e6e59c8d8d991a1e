package io.dbgateway.api;

/**
 * One SQL statement and its parameters.
 *
 * @param params a {@code JsonArray} for {@code ?} placeholders, a {@code JsonObject} for {@code :name}
 *     placeholders, or null
 */
public record Statement(String sql, Object params) {}
