package io.dbgateway.named;

import io.vertx.core.json.JsonObject;

/**
 * A query defined by the operator in {@code conf/queries/*.json}: callers name it and give its
 * parameters, never its SQL.
 *
 * @param readOnly the query runs in a transaction the database keeps read-only
 */
public record NamedQuery(String name, String sql, boolean readOnly, String description) {

  /** The query request a call of this query amounts to: the call's fields, with this query's SQL. */
  public JsonObject asQuery(JsonObject call) {
    JsonObject query = call.copy();
    query.remove("name");
    return query.put("sql", sql).put("readOnly", readOnly);
  }
}
