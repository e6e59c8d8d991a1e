package io.dbgateway.stream;

import io.dbgateway.db.SqlExecutor;
import io.dbgateway.db.StatementRunner;
import io.dbgateway.db.NodeCalls;
import io.dbgateway.api.Consistency;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.RoleRules;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.RowCursor;
import io.dbgateway.error.GatewayException;
import io.dbgateway.node.Access;
import io.dbgateway.node.NodeDatabase;
import io.dbgateway.sql.ReadOnlyGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams one query's rows through a database cursor: PostgreSQL and MySQL/MariaDB through the
 * driver's cursor, SQLite through a JDBC result set stepped on a worker thread (see each dialect's
 * {@link Dialect#openCursor}). A stream cannot travel as one event-bus reply, so HTTP calls this
 * directly; it chooses the node, breaks circuits and classifies failures exactly as {@link SqlExecutor} does.
 *
 * <p>At most {@code fetchRows} rows are read at a time, and the next read waits until the client's
 * connection has taken the previous ones: the gateway holds a bounded number of rows whatever the
 * result's size.
 */
public final class QueryStreamer {

  private final Vertx vertx;
  private final NodeCalls nodes;
  private final Dialect dialect;
  private final StatementRunner statements;
  private final ReadOnlyGuard guard;
  private final int fetchRows;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong fetched = new AtomicLong();

  /**
   * @param statements how requests become statements, shared with the executor
   * @param nodes how work reaches a node: the streams share the executor's nodes, breakers and retries
   * @param fetchRows the most rows one read from the database returns
   */
  public QueryStreamer(Vertx vertx, StatementRunner statements, NodeCalls nodes, int fetchRows) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.dialect = statements.dialect();
    this.statements = statements;
    this.guard = new ReadOnlyGuard(dialect.syntax(), dialect.readOnlyRefused(), dialect.readOnlyRefusedAnywhere());
    this.fetchRows = fetchRows;
  }

  /** What a READ caller may not send on this engine, as the bus refuses it. */
  public ReadOnlyGuard readOnlyGuard() {
    return guard;
  }

  /** The engine's name, as metrics label it. */
  public String engine() {
    return dialect.type().id();
  }

  /** Rows read from the database by every open stream whose bytes have not yet reached a client's socket. */
  public long rowsHeld() {
    return held.get();
  }

  /** Rows read from the database by every stream since start. */
  public long rowsFetched() {
    return fetched.get();
  }

  /**
   * Opens a stream under the node's breaker: a connection, a transaction (read-only when the request
   * asks, and then enforced by the database), the cursor, and its first rows. A failure here comes
   * before anything was sent, as a {@link io.dbgateway.error.GatewayException}, and leaves nothing open.
   *
   * @param caller whose problems the stream reports, as {@link RoleRules#forCaller} words them
   * @param maxRows the most rows to send; {@link Long#MAX_VALUE} for all of them
   */
  public Future<QueryStream> open(QueryRequest request, Caller caller, long maxRows) {
    StatementRunner.Prepared statement;
    java.util.function.Function<SqlConnection, Future<Void>> useSchema;
    try {
      statement = statements.prepare(request.statement(), null);
      if (!statement.script().isEmpty()) {
        throw StatementRunner.severalStatements(statement.script().size(), "a stream");
      }
      useSchema = statements.useSchema(request.target().schema(),
          request.target().databaseOr(nodes.mainDatabase()));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    boolean changesSession = statement.changesSession() || useSchema != null;
    boolean readOnly = request.readOnly();
    long timeoutMs = request.limits().timeoutMs();
    long start = System.nanoTime();
    // An attempt the breaker's deadline gave up on may still open its stream later: close it then.
    List<Future<QueryStream>> attempts = new ArrayList<>();
    return nodes.<QueryStream>call("stream",
        Access.of(readOnly, request.consistency() == Consistency.STRONG),
        request.target().database(), nodes.deadline(timeoutMs), nodeDb -> {
          Future<QueryStream> attempt = nodes.borrow(nodeDb, readOnly).compose(conn ->
              conn.query(dialect.beginTransaction(readOnly)).execute()
                  .compose(begun -> useSchema == null ? Future.succeededFuture() : useSchema.apply(conn))
                  .compose(inSchema -> dialect.openCursor(conn, statement.sql(), statement.params(), timeoutMs))
                  .compose(cursor -> firstRows(cursor, nodeDb.database(), statement.sql(), maxRows)
                      .map(first -> new QueryStream(this, nodeDb, conn, cursor, first, request, caller, maxRows, start,
                          changesSession))
                      .recover(failure -> cursor.close().transform(closed -> Future.failedFuture(failure))))
                  .recover(failure -> end(nodeDb, conn, readOnly, false, changesSession, statement.sql())
                      .transform(ended -> Future.failedFuture(failure))));
          attempts.add(attempt);
          return attempt;
        })
        .onFailure(failure -> attempts.forEach(attempt -> attempt.onSuccess(QueryStream::cancel)));
  }

  private Future<RowCursor.Chunk> firstRows(RowCursor cursor, String database, String sql, long maxRows) {
    return cursor.read(readSize(maxRows)).compose(chunk -> {
      fetched(chunk.rows().size());
      return dialect.describe(database, sql, chunk.columns())
          .map(columns -> new RowCursor.Chunk(columns, chunk.rows(), chunk.more()))
          .andThen(described -> {
            if (described.failed()) {
              written(chunk.rows().size());
            }
          });
    });
  }

  /** How many rows to ask for when {@code remaining} may still be sent: one more tells whether the result was cut. */
  int readSize(long remaining) {
    return remaining >= fetchRows ? fetchRows : (int) remaining + 1;
  }

  /**
   * Ends the transaction and gives the connection back, whatever the outcome of the end.
   *
   * @param sql the streamed statement, which may have committed the transaction implicitly ({@link Dialect#commit})
   */
  Future<Void> end(NodeDatabase nodeDb, SqlConnection conn, boolean readOnly, boolean commit, boolean sessionChanged, String sql) {
    Future<Void> ended = commit && !readOnly ? dialect.commit(conn, dialect.commitsImplicitly(sql))
        : conn.query(dialect.endTransaction(readOnly, commit)).execute().mapEmpty();
    // An end that failed may have left the transaction's settings on the session: it is reset then.
    return ended
        .andThen(done -> nodes.release(nodeDb, conn, sessionChanged || done.failed()));
  }

  void fetched(int rows) {
    fetched.addAndGet(rows);
    held.addAndGet(rows);
  }

  void written(int rows) {
    held.addAndGet(-rows);
  }

  Vertx vertx() {
    return vertx;
  }

  NodeCalls nodes() {
    return nodes;
  }

  StatementRunner statements() {
    return statements;
  }
}
