package io.dbgateway.api;

import io.vertx.core.json.JsonObject;

/**
 * A result column; {@code type} is a JDBC type name, the same vocabulary on every engine.
 *
 * @param metadata the full description, when the request asked for it ({@code columnMetadata}); else null
 */
public record Column(String name, String type, ColumnMetadata metadata) {

  public Column(String name, String type) {
    this(name, type, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("type", type);
    return metadata == null ? json : json.mergeIn(metadata.toJson());
  }
}
