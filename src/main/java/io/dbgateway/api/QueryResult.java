package io.dbgateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The outcome of one statement.
 *
 * @param rows JSON objects, or JSON arrays when the request asked for {@link ResultFormat#ARRAYS}
 * @param updated rows changed by a write
 * @param node the database node that ran the statement
 */
public record QueryResult(
    List<Column> columns,
    List<Object> rows,
    long updated,
    List<Object> generatedKeys,
    boolean truncated,
    String node,
    double elapsedMs) {

  public QueryResult {
    columns = List.copyOf(columns);
    rows = java.util.Collections.unmodifiableList(rows);
    generatedKeys = java.util.Collections.unmodifiableList(generatedKeys);
  }

  public QueryResult withElapsedMs(double elapsed) {
    return new QueryResult(columns, rows, updated, generatedKeys, truncated, node, elapsed);
  }

  public JsonObject toJson() {
    JsonArray columnsJson = new JsonArray();
    columns.forEach(c -> columnsJson.add(c.toJson()));
    return new JsonObject()
        .put("columns", columnsJson)
        .put("rows", new JsonArray(rows))
        .put("rowCount", rows.size())
        .put("updated", updated)
        .put("generatedKeys", new JsonArray(generatedKeys))
        .put("truncated", truncated)
        .put("node", node)
        .put("elapsedMs", elapsedMs);
  }
}
