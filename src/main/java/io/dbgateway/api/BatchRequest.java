package io.dbgateway.api;

import java.util.List;

/**
 * One statement run once per parameter set, in one transaction.
 *
 * @param readOnly run in a transaction the database keeps read-only
 * @param txId the interactive transaction to run in, or null for a transaction of its own
 * @param paramTypes the declared types of parameters, the same for every set
 * @param target the database and schema it runs in
 */
public record BatchRequest(String sql, List<Object> paramSets, Limits limits, boolean readOnly, String txId,
    ParamTypes paramTypes, Target target) {

  public BatchRequest(String sql, List<Object> paramSets, Limits limits, boolean readOnly, String txId) {
    this(sql, paramSets, limits, readOnly, txId, ParamTypes.NONE, Target.DEFAULT);
  }

  public BatchRequest {
    paramSets = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(paramSets));
    paramTypes = paramTypes == null ? ParamTypes.NONE : paramTypes;
    target = target == null ? Target.DEFAULT : target;
  }
}
