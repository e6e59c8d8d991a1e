package io.dbgateway.sql;

import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A statement rewritten for its driver, and what it needs bound.
 *
 * @param sql the rewritten SQL, ready for the driver
 * @param parameterNames one entry per placeholder occurrence, in text order: the name (without the
 *     colon) for named statements, {@code "?"} for positional ones
 * @param named whether the statement used {@code :name} placeholders (false when it has none)
 * @param target the style {@code sql} was written in; with {@link ParameterStyle#DOLLAR_NUMBERED}
 *     a repeated name shares one number, so it is bound once
 */
public record ParsedStatement(
    String sql, List<String> parameterNames, boolean named, ParameterStyle target) {

  /** What {@link #parameterNames} holds for each {@code ?} placeholder. */
  public static final String POSITIONAL = "?";

  public ParsedStatement {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(target, "target");
    parameterNames = List.copyOf(parameterNames);
  }

  /** How many placeholders the statement has (occurrences, not distinct names). */
  public int placeholderCount() {
    return parameterNames.size();
  }

  /**
   * The values for the driver, in its parameter order. Values are returned as Vert.x JSON holds
   * them (String, Number, Boolean, null, JsonObject, JsonArray); typing them is the caller's job.
   *
   * @param params a JsonArray for {@code ?} placeholders, a JsonObject for {@code :name} ones
   *     (keys no placeholder uses are ignored), or null when there are no placeholders
   * @throws GatewayException (bad request) when params do not fit the placeholders
   */
  public List<Object> bind(Object params) {
    return named ? bindNamed(params) : bindPositional(params);
  }

  private List<Object> bindPositional(Object params) {
    // A statement without placeholders takes no values, so an empty object is as good as none.
    if (params instanceof JsonObject && placeholderCount() == 0) {
      return List.of();
    }
    if (params != null && !(params instanceof JsonArray)) {
      throw GatewayException.badRequest("params must be an array for ? placeholders");
    }
    JsonArray values = params == null ? new JsonArray() : (JsonArray) params;
    if (values.size() != placeholderCount()) {
      throw GatewayException.badRequest(
          "statement has " + count(placeholderCount(), "positional placeholder")
              + " but " + count(values.size(), "parameter")
              + (values.size() == 1 ? " was" : " were") + " given");
    }
    List<Object> bound = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      bound.add(values.getValue(i));
    }
    return Collections.unmodifiableList(bound);
  }

  /**
   * The placeholder each value {@link #bind} returns is for, in the same order: a name (each distinct
   * name once where {@code $n} reuses one number per name), or {@code "?"}.
   */
  public List<String> slots() {
    return named && target == ParameterStyle.DOLLAR_NUMBERED
        ? List.copyOf(new LinkedHashSet<>(parameterNames))
        : parameterNames;
  }

  private List<Object> bindNamed(Object params) {
    if (!(params instanceof JsonObject values)) {
      throw GatewayException.badRequest("params must be an object for :name placeholders");
    }
    List<Object> bound = new ArrayList<>(parameterNames.size());
    for (String name : slots()) {
      if (!values.containsKey(name)) {
        throw GatewayException.badRequest("no value for named parameter :" + name);
      }
      bound.add(values.getValue(name));
    }
    return Collections.unmodifiableList(bound);
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
