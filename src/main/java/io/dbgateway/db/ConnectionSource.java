package io.dbgateway.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

/**
 * Where statements get a connection. Read-only work may use a separate pool (SQLite's read
 * connections); everything else uses the writer pool.
 *
 * @param node the node these pools reach, reported in every result
 */
public record ConnectionSource(Pool writer, Pool reader, String node) {

  public static ConnectionSource single(Pool pool, String node) {
    return new ConnectionSource(pool, pool, node);
  }

  public Future<SqlConnection> connection(boolean readOnly) {
    return (readOnly ? reader : writer).getConnection();
  }

  public Future<Void> close() {
    return reader == writer ? writer.close() : Future.all(writer.close(), reader.close()).mapEmpty();
  }
}
