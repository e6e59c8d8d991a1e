package io.dbgateway.api;

import java.util.List;

/** One statement run once per parameter set, in one transaction; {@code paramTypes} apply to every set. */
public record BatchRequest(String sql, List<Object> paramSets, Limits limits, ParamTypes paramTypes) {

  public BatchRequest(String sql, List<Object> paramSets, Limits limits) {
    this(sql, paramSets, limits, ParamTypes.NONE);
  }

  public BatchRequest {
    paramSets = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(paramSets));
    paramTypes = paramTypes == null ? ParamTypes.NONE : paramTypes;
  }
}
