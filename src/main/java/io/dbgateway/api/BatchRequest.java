package io.dbgateway.api;

import java.util.List;

/**
 * One statement run once per parameter set, in one transaction.
 *
 * @param readOnly run in a transaction the database keeps read-only
 */
public record BatchRequest(String sql, List<Object> paramSets, Limits limits, boolean readOnly) {

  public BatchRequest {
    paramSets = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(paramSets));
  }
}
