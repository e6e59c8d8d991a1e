package io.dbgateway.api;

import java.util.List;

/** Statements run in one database transaction, in {@code target}: all commit or none does. */
public record TransactionRequest(List<Statement> statements, Limits limits, boolean readOnly, Target target) {

  public TransactionRequest {
    statements = List.copyOf(statements);
    target = target == null ? Target.DEFAULT : target;
  }
}
