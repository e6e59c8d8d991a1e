package io.dbgateway.api;

import java.util.List;

/** One statement run once per parameter set, in one transaction. */
public record BatchRequest(String sql, List<Object> paramSets, Limits limits) {

  public BatchRequest {
    paramSets = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(paramSets));
  }
}
