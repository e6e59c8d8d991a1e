package io.dbgateway.driver;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's own cursor: a PostgreSQL portal read with {@code Execute(n)}, or a MySQL/MariaDB
 * {@code COM_STMT_EXECUTE} with a read-only cursor read with {@code COM_STMT_FETCH n}. PostgreSQL
 * needs a transaction around it.
 */
public final class SqlClientCursor implements RowCursor {

  private final PreparedStatement statement;
  private final Cursor cursor;

  private SqlClientCursor(PreparedStatement statement, Cursor cursor) {
    this.statement = statement;
    this.cursor = cursor;
  }

  public static Future<RowCursor> open(SqlConnection connection, String sql, Tuple params) {
    return connection.prepare(sql).map(statement -> new SqlClientCursor(statement, statement.cursor(params)));
  }

  @Override
  public Future<Chunk> read(int count) {
    return cursor.read(count).map(set -> {
      List<Row> rows = new ArrayList<>(set.size());
      set.forEach(rows::add);
      return new Chunk(set.columnDescriptors() == null ? List.of() : set.columnDescriptors(), rows, cursor.hasMore());
    });
  }

  @Override
  public Future<Void> close() {
    // The statement is closed whatever became of the cursor: a pooled connection must not keep it.
    return cursor.close().transform(closed -> statement.close()
        .transform(done -> closed.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(closed.cause())));
  }
}
