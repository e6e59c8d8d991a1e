package io.dbgateway.api;

/**
 * A single statement, as sent to {@code POST /v1/query} or {@code dbgateway.query}.
 *
 * @param columnMetadata whether each result column also describes itself in full (native type name,
 *     nullability, precision, scale, ...), as the RDS Data API's {@code includeResultMetadata} asks
 * @param target the database and schema it runs in
 */
public record QueryRequest(Statement statement, Limits limits, boolean readOnly, Consistency consistency, String txId,
    boolean columnMetadata, Target target) {

  public QueryRequest(Statement statement, Limits limits, boolean readOnly, Consistency consistency, String txId) {
    this(statement, limits, readOnly, consistency, txId, false, Target.DEFAULT);
  }

  public QueryRequest {
    target = target == null ? Target.DEFAULT : target;
  }
}
