package io.dbgateway.api;

/**
 * Begins an interactive transaction.
 *
 * @param readOnly the database keeps the whole transaction read-only
 * @param consistency for a read-only transaction on a Galera cluster, whether it must run on the writer
 *     and so see every acknowledged write; a read-write one always does
 * @param target the database the whole transaction runs on, and the schema it starts in
 */
public record BeginRequest(boolean readOnly, Consistency consistency, Target target) {

  public BeginRequest {
    target = target == null ? Target.DEFAULT : target;
  }
}
