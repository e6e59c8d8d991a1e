package io.dbgateway.driver.sqlite;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;

/**
 * Closes a pooled JDBC connection for good ({@link io.dbgateway.node.LanedPool.Closer}). No public
 * API does: {@code SqlConnection.close()} gives a pooled connection back to its pool, and a JDBC
 * connection does not tell its pool that it closed. So this closes the underlying connection and tells
 * the pool through the SQL client's internals (5.0: {@code SqlConnectionInternal}, {@code Connection.Holder}).
 */
final class JdbcConnections {

  private JdbcConnections() {}

  static Future<Void> closeNow(SqlConnection conn) {
    Connection pooled = ((SqlConnectionInternal) conn).unwrap();
    Promise<Void> closed = Promise.promise();
    pooled.unwrap().close((Connection.Holder) pooled, closed);
    return closed.future().andThen(done -> ((Connection.Holder) pooled).handleClosed());
  }
}
