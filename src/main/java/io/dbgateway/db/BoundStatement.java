package io.dbgateway.db;

import io.dbgateway.api.Statement;
import io.dbgateway.error.GatewayException;
import io.dbgateway.sql.ParsedStatement;
import io.dbgateway.sql.PlaceholderRewriter;
import io.vertx.sqlclient.Tuple;

/** A statement in the driver's own placeholder style, with its parameters bound as the dialect binds them. */
record BoundStatement(String sql, Tuple params) {

  /**
   * Rewrites the placeholders and binds the values.
   *
   * @param index the statement's place in a transaction, named by a binding error; null for a single one
   */
  static BoundStatement of(Dialect dialect, Statement statement, Integer index) {
    ParsedStatement parsed = PlaceholderRewriter.parse(statement.sql(), dialect.syntax());
    return new BoundStatement(parsed.sql(), bind(dialect, parsed, statement.params(), index));
  }

  static Tuple bind(Dialect dialect, ParsedStatement parsed, Object params, Integer index) {
    try {
      return dialect.tuple(parsed.bind(params));
    } catch (GatewayException e) {
      throw new GatewayException(e.problem().withStatementIndex(index));
    }
  }
}
