package io.dbgateway.api;

import java.util.List;

/** Statements run in one database transaction: all commit or none does. */
public record TransactionRequest(List<Statement> statements, Limits limits, boolean readOnly) {

  public TransactionRequest {
    statements = List.copyOf(statements);
  }
}
