package io.dbgateway.api;

import java.util.List;
import java.util.Map;

/**
 * The declared types of a statement's parameters: by name for {@code :name} placeholders, by position
 * for {@code ?} ones. Parameters without a declared type bind as their JSON value says.
 */
public record ParamTypes(Map<String, ParamType> byName, List<ParamType> byPosition) {

  public static final ParamTypes NONE = new ParamTypes(Map.of(), List.of());

  public ParamTypes {
    byName = Map.copyOf(byName);
    byPosition = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(byPosition));
  }

  /**
   * The type of the value bound to a placeholder named {@code name} (or {@code "?"}, the
   * {@code position}-th positional one); null when none was declared.
   */
  public ParamType of(String name, int position) {
    if (io.dbgateway.sql.ParsedStatement.POSITIONAL.equals(name)) {
      return position < byPosition.size() ? byPosition.get(position) : null;
    }
    return byName.get(name);
  }

  public boolean isEmpty() {
    if (!byName.isEmpty()) {
      return false;
    }
    for (ParamType type : byPosition) { // asked twice per statement: no stream
      if (type != null) {
        return false;
      }
    }
    return true;
  }
}
