package io.dbgateway.db;

import io.dbgateway.config.DbType;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.stream.Collector;

/** PostgreSQL through vertx-pg-client. */
public final class PostgresDialect implements Dialect {

  private static final String QUERY_CANCELED = "57014";

  @Override
  public DbType type() {
    return DbType.POSTGRESQL;
  }

  @Override
  public SqlSyntax syntax() {
    return SqlSyntax.POSTGRESQL;
  }

  @Override
  public String beginTransaction(boolean readOnly) {
    return readOnly ? "START TRANSACTION READ ONLY" : "START TRANSACTION";
  }

  @Override
  public Tuple tuple(List<Object> values) {
    return new PgCoercingTuple(values);
  }

  @Override
  public <R> Future<SqlResult<R>> execute(
      SqlConnection connection, String sql, Tuple params, long timeoutMs, Collector<Row, ?, R> rows) {
    // Sent without waiting, so the driver pipelines it with the statement: one round trip.
    Future<?> timeout = setTimeout(connection, timeoutMs);
    Future<SqlResult<R>> result = connection.preparedQuery(sql).collecting(rows).execute(params);
    return timeout.transform(ignored -> result);
  }

  private static Future<?> setTimeout(SqlConnection connection, long timeoutMs) {
    return connection.query("SET statement_timeout = " + timeoutMs).execute();
  }

  @Override
  public List<Object> generatedKeys(SqlResult<?> result) {
    // PostgreSQL reports generated keys only through RETURNING, which arrives as rows.
    return List.of();
  }

  @Override
  public Problem classify(Throwable failure) {
    if (failure instanceof PgException pg) {
      String detail = pg.getErrorMessage() + (pg.getDetail() == null ? "" : " (" + pg.getDetail() + ")");
      if (QUERY_CANCELED.equals(pg.getSqlState())) {
        return new Problem(ErrorCode.TIMEOUT, "the statement ran past its timeout and was cancelled on the server",
            pg.getSqlState(), null, null, true, null);
      }
      return Failures.fromSqlState(pg.getSqlState(), null, detail);
    }
    Problem transport = Failures.transport(failure);
    return transport != null ? transport : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
  }
}
