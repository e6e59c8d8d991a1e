package io.dbgateway.db;

import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.Column;
import io.dbgateway.api.Limits;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.QueryResult;
import io.dbgateway.api.ResultFormat;
import io.dbgateway.api.Statement;
import io.dbgateway.api.TransactionRequest;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.sql.ParsedStatement;
import io.dbgateway.sql.PlaceholderRewriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs the operations against one database node: a statement, a batch, an atomic transaction. Every
 * failure leaves here as a {@link GatewayException} that the dialect classified.
 */
public final class SqlExecutor {

  private final Dialect dialect;
  private final ConnectionSource connections;

  public SqlExecutor(Dialect dialect, ConnectionSource connections) {
    this.dialect = dialect;
    this.connections = connections;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Future<QueryResult> query(QueryRequest request) {
    Prepared statement = prepare(request.statement());
    long start = System.nanoTime();
    Function<SqlConnection, Future<QueryResult>> work = conn -> run(conn, statement, request.limits());
    Future<QueryResult> result = request.readOnly()
        ? withConnection(true, conn -> inTransaction(conn, true, work))
        : withConnection(false, work);
    return result.map(r -> r.withElapsedMs(elapsedMs(start))).recover(this::fail);
  }

  /**
   * Runs one statement per parameter set in one transaction. The executions are issued together, so
   * drivers that pipeline (PostgreSQL) send them in one go; they still run in order.
   */
  public Future<JsonObject> batch(BatchRequest request) {
    ParsedStatement parsed = PlaceholderRewriter.parse(request.sql(), dialect.syntax());
    List<Tuple> tuples = new ArrayList<>();
    for (int i = 0; i < request.paramSets().size(); i++) {
      tuples.add(bind(parsed, request.paramSets().get(i), i));
    }
    long start = System.nanoTime();
    long timeoutMs = request.limits().timeoutMs();
    return withConnection(false, conn -> inTransaction(conn, false, c -> {
      List<Future<SqlResult<RowCollector.Rows>>> executions = new ArrayList<>();
      for (Tuple tuple : tuples) {
        executions.add(dialect.execute(c, parsed.sql(), tuple, timeoutMs, RowCollector.atMost(0)));
      }
      return Future.join(executions).transform(done -> batchResult(executions));
    }))
        .map(json -> json.put("node", connections.node()).put("elapsedMs", elapsedMs(start)))
        .recover(this::fail);
  }

  public Future<JsonObject> transaction(TransactionRequest request) {
    List<Prepared> statements = new ArrayList<>();
    for (int i = 0; i < request.statements().size(); i++) {
      statements.add(prepare(request.statements().get(i), i));
    }
    long start = System.nanoTime();
    return withConnection(request.readOnly(), conn -> inTransaction(conn, request.readOnly(), c -> {
      List<QueryResult> results = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < statements.size(); i++) {
        int index = i;
        chain = chain.compose(v -> run(c, statements.get(index), request.limits())
            .recover(failure -> Future.failedFuture(atStatement(failure, index)))
            .map(result -> {
              results.add(result);
              return null;
            }));
      }
      return chain.map(v -> results);
    }))
        .map(results -> {
          JsonArray json = new JsonArray();
          results.forEach(r -> json.add(r.toJson()));
          return new JsonObject().put("results", json).put("node", connections.node()).put("elapsedMs", elapsedMs(start));
        })
        .recover(this::fail);
  }

  /** Answers once the database responds to a trivial query. */
  public Future<Void> ping() {
    return withConnection(false, conn -> conn.query("SELECT 1").execute()).<Void>mapEmpty().recover(this::fail);
  }

  private record Prepared(ParsedStatement parsed, Tuple params) {}

  private Prepared prepare(Statement statement) {
    return prepare(statement, null);
  }

  private Prepared prepare(Statement statement, Integer index) {
    ParsedStatement parsed = PlaceholderRewriter.parse(statement.sql(), dialect.syntax());
    return new Prepared(parsed, bind(parsed, statement.params(), index));
  }

  private Tuple bind(ParsedStatement parsed, Object params, Integer index) {
    try {
      return dialect.tuple(parsed.bind(params));
    } catch (GatewayException e) {
      throw new GatewayException(e.problem().withStatementIndex(index));
    }
  }

  private Future<QueryResult> run(SqlConnection conn, Prepared statement, Limits limits) {
    return dialect.execute(conn, statement.parsed().sql(), statement.params(), limits.timeoutMs(),
            RowCollector.atMost(limits.maxRows()))
        .map(result -> toResult(result, limits.format()));
  }

  private QueryResult toResult(SqlResult<RowCollector.Rows> result, ResultFormat format) {
    List<ColumnDescriptor> descriptors = result.columnDescriptors() == null ? List.of() : result.columnDescriptors();
    List<Column> columns = new ArrayList<>(descriptors.size());
    for (ColumnDescriptor d : descriptors) {
      columns.add(new Column(d.name(), dialect.columnType(d)));
    }
    RowCollector.Rows rows = result.value();
    List<Object> jsonRows = new ArrayList<>(rows.kept().size());
    for (Row row : rows.kept()) {
      jsonRows.add(format == ResultFormat.ARRAYS ? asArray(row, descriptors) : asObject(row, descriptors));
    }
    long updated = descriptors.isEmpty() ? result.rowCount() : 0;
    return new QueryResult(columns, jsonRows, updated, dialect.generatedKeys(result), rows.truncated(),
        connections.node(), 0);
  }

  private JsonObject asObject(Row row, List<ColumnDescriptor> columns) {
    JsonObject json = new JsonObject();
    for (int i = 0; i < columns.size(); i++) {
      json.put(columns.get(i).name(), dialect.toJson(row.getValue(i), columns.get(i)));
    }
    return json;
  }

  private JsonArray asArray(Row row, List<ColumnDescriptor> columns) {
    JsonArray json = new JsonArray();
    for (int i = 0; i < columns.size(); i++) {
      json.add(dialect.toJson(row.getValue(i), columns.get(i)));
    }
    return json;
  }

  private Future<JsonObject> batchResult(List<Future<SqlResult<RowCollector.Rows>>> executions) {
    JsonArray updated = new JsonArray();
    JsonArray keys = new JsonArray();
    for (int i = 0; i < executions.size(); i++) {
      Future<SqlResult<RowCollector.Rows>> execution = executions.get(i);
      if (execution.failed()) {
        return Future.failedFuture(atStatement(execution.cause(), i));
      }
      updated.add(execution.result().rowCount());
      dialect.generatedKeys(execution.result()).forEach(keys::add);
    }
    return Future.succeededFuture(new JsonObject().put("updated", updated).put("generatedKeys", keys));
  }

  private <T> Future<T> withConnection(boolean readOnly, Function<SqlConnection, Future<T>> work) {
    return connections.connection(readOnly)
        .recover(failure -> Future.failedFuture(new GatewayException(unavailable(failure), failure)))
        .compose(conn -> {
          Future<T> result;
          try {
            result = work.apply(conn);
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          return result.andThen(done -> conn.close());
        });
  }

  /** Runs {@code work} in one transaction: commit on success, roll back on any failure. */
  private <T> Future<T> inTransaction(SqlConnection conn, boolean readOnly, Function<SqlConnection, Future<T>> work) {
    return conn.query(dialect.beginTransaction(readOnly)).execute()
        .compose(begun -> work.apply(conn))
        .compose(
            result -> conn.query("COMMIT").execute().map(result),
            failure -> conn.query("ROLLBACK").execute().transform(rolledBack -> Future.<T>failedFuture(failure)));
  }

  private Problem unavailable(Throwable failure) {
    Problem problem = dialect.classify(failure);
    return problem.code() == io.dbgateway.error.ErrorCode.UNAVAILABLE
        ? problem
        : Failures.unavailable("no database connection available: " + failure.getMessage());
  }

  private Throwable atStatement(Throwable failure, int index) {
    return new GatewayException(dialect.classify(failure).withStatementIndex(index), failure);
  }

  private <T> Future<T> fail(Throwable failure) {
    if (failure instanceof GatewayException) {
      return Future.failedFuture(failure);
    }
    return Future.failedFuture(new GatewayException(dialect.classify(failure), failure));
  }

  private static double elapsedMs(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
  }
}
