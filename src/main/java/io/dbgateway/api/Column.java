package io.dbgateway.api;

import io.vertx.core.json.JsonObject;

/** A result column; {@code type} is a JDBC type name, the same vocabulary on every engine. */
public record Column(String name, String type) {

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("type", type);
  }
}
