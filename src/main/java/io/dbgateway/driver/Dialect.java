package io.dbgateway.driver;

import io.dbgateway.api.ColumnMetadata;
import io.dbgateway.api.ParamType;
import io.dbgateway.config.DbType;
import io.dbgateway.error.Problem;
import io.dbgateway.node.LanedPool;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.List;
import java.util.stream.Collector;

/**
 * How one engine runs the work, once its server answered: read-only transactions, server-side statement
 * timeouts, how values are bound and decoded, cursors, session resets, and what an error means. Each
 * {@link Driver} (package {@code driver.*}) makes its own; what is known before the server is reached
 * (syntax, pools, retry-safe failures) is the driver's.
 */
public interface Dialect {

  /** The engine's driver. */
  Driver driver();

  default DbType type() {
    return driver().type();
  }

  default SqlSyntax syntax() {
    return driver().syntax();
  }

  /** The statement that opens a transaction, read-only (enforced by the database) or not. */
  String beginTransaction(boolean readOnly);

  /**
   * The statement that ends a transaction {@link #beginTransaction} opened, committing it or not. A
   * read-only one always rolls back: it has nothing to commit, and the rollback also undoes what it may
   * have changed in the session (PostgreSQL's {@code set_config}, SQLite temporary tables), so the
   * pooled connection goes back as it came.
   */
  default String endTransaction(boolean readOnly, boolean commit) {
    return commit && !readOnly ? "COMMIT" : "ROLLBACK";
  }

  /**
   * Whether {@code sql} ends the open transaction by itself, as MySQL's DDL and the like commit implicitly:
   * at COMMIT, a transaction that ran it cannot be told from one the database ended on its own. Asked only
   * where {@link #commit} checks for that (Galera); elsewhere false.
   */
  default boolean commitsImplicitly(String sql) {
    return false;
  }

  /**
   * Commits the read-write transaction {@link #beginTransaction} opened on {@code connection}.
   *
   * @param afterImplicitCommit whether a statement of it committed implicitly ({@link #commitsImplicitly})
   */
  default Future<Void> commit(SqlConnection connection, boolean afterImplicitCommit) {
    return connection.query(endTransaction(false, true)).execute().mapEmpty();
  }

  /** Transaction control and session changes, on every engine: see {@link #readOnlyRefused()}. */
  java.util.Set<String> TRANSACTION_AND_SESSION =
      java.util.Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "RESET");

  /**
   * The statements a READ caller may not send, by their first words: those that end or change its
   * read-only transaction, or change the session a pooled connection keeps for the next caller. The
   * database refuses the writes; these are the ways around that which are not writes.
   */
  default java.util.Set<String> readOnlyRefused() {
    return TRANSACTION_AND_SESSION;
  }

  /**
   * Phrases a READ caller may not use anywhere in a statement: locking reads the database allows in a
   * read-only transaction, which would block writers for as long as the caller's transaction lasts.
   * None by default: PostgreSQL refuses every {@code FOR UPDATE}/{@code FOR SHARE} in one.
   */
  default java.util.Set<String> readOnlyRefusedAnywhere() {
    return java.util.Set.of();
  }

  /**
   * Driver values for the JSON values bound to a statement's placeholders. By default JSON documents are
   * bound as their text, which the server parses into JSON columns; other values go as they are.
   */
  default Tuple tuple(List<Object> values) {
    Tuple tuple = Tuple.tuple();
    for (Object value : values) {
      tuple.addValue(value instanceof JsonObject || value instanceof JsonArray ? value.toString() : value);
    }
    return tuple;
  }

  /**
   * The driver value for a parameter declared {@code type} ({@code paramTypes}); a value that is not of
   * that type is a 400 naming {@code parameter}. By default: timestamps, dates and times as
   * {@code java.time} values, bytes as a {@code Buffer}, decimals, UUIDs and JSON as checked text.
   */
  default Object typed(Object value, ParamType type, String parameter) {
    return TypedValues.toJava(value, type, parameter);
  }

  /**
   * What follows a placeholder declared {@code type} in the SQL, for engines whose server decides a
   * parameter's type from the statement (a cast); empty by default.
   */
  default String cast(ParamType type) {
    return "";
  }

  /**
   * The full description of a result column ({@code columnMetadata} requests). By default what the
   * JDBC type alone tells; nullability unknown, precision and scale 0.
   */
  default ColumnMetadata columnMetadata(ColumnDescriptor column) {
    return TypedValues.fromJdbcType(column.typeName(), columnType(column), 0, 0);
  }

  /**
   * Runs one prepared statement, cancelled by the server once it has run for {@code timeoutMs}. The
   * collector sees the rows as they are decoded, so a large result is never held whole.
   */
  <R> Future<SqlResult<R>> execute(
      SqlConnection connection, String sql, Tuple params, long timeoutMs, Collector<Row, ?, R> rows);

  /**
   * Runs a script: statements without parameters ({@code statements}, cut from {@code sql} by {@link
   * io.dbgateway.sql.SqlScript}), in order, on one connection, each stopped by the server once it has run
   * for {@code timeoutMs}. The first failure ends it; the answer is the last statement's result. By
   * default one statement after another.
   */
  default <R> Future<SqlResult<R>> executeScript(
      SqlConnection connection, String sql, List<String> statements, long timeoutMs, Collector<Row, ?, R> rows) {
    Future<SqlResult<R>> result = Future.succeededFuture();
    for (String statement : statements) {
      result = result.compose(previous -> execute(connection, statement, Tuple.tuple(), timeoutMs, rows));
    }
    return result;
  }

  /** The last of a chain of results, as a text query with several statements answers. */
  static <R> SqlResult<R> last(SqlResult<R> result) {
    SqlResult<R> last = result;
    while (last.next() != null) {
      last = last.next();
    }
    return last;
  }

  /**
   * Opens a cursor over the rows of one statement, on a connection inside a transaction the caller
   * began; the database stops any one read from it that runs longer than {@code timeoutMs}.
   */
  Future<RowCursor> openCursor(SqlConnection connection, String sql, Tuple params, long timeoutMs);

  /**
   * The columns of a result of {@code sql} run on {@code database}, refined where the driver's own
   * description loses information the JSON mapping needs. Most engines need nothing more.
   */
  default Future<List<ColumnDescriptor>> describe(String database, String sql, List<ColumnDescriptor> columns) {
    return Future.succeededFuture(columns);
  }

  /**
   * What makes a unit on {@code database} resolve its unqualified names in {@code schema} (the Data
   * API's {@code schema}): a step run on its connection before its statements (the session then counts
   * as changed, and is reset before the connection is lent again), or null when nothing needs to run.
   *
   * @throws io.dbgateway.error.GatewayException 400 when the engine has no such schema in that database
   */
  java.util.function.Function<SqlConnection, Future<Void>> useSchema(String schema, String database);

  /**
   * Whether {@code failure}, met opening a connection, says the database does not exist there: a name of
   * {@code GATEWAY_DATABASES} the server (or the file system) does not have.
   */
  boolean isUnknownDatabase(Throwable failure);

  /**
   * What a read must start with to see every write the cluster acknowledged; empty where every
   * connection already does (a single server).
   */
  default String syncWaitPrefix() {
    return "";
  }

  /** The JDBC type name of a column, the one vocabulary every engine reports. */
  default String columnType(ColumnDescriptor column) {
    return column.jdbcType() == null ? "OTHER" : column.jdbcType().getName();
  }

  /** A decoded value as JSON; engines whose drivers lose type information refine this. */
  default Object toJson(Object value, ColumnDescriptor column) {
    return JsonValues.toJson(value);
  }

  /** Keys the database generated for a write, such as an auto-increment id. */
  List<Object> generatedKeys(SqlResult<?> result);

  /**
   * Asks the server to stop the statement running on {@code connection} (at shutdown, once the drain
   * time is over), so its transaction rolls back now rather than when the statement ends. Engines that
   * cannot do it leave the statement to its own timeout.
   */
  default Future<Void> cancel(SqlConnection connection) {
    return Future.succeededFuture();
  }

  /**
   * How a pooled connection's session is put back as a new connection has it, after work that may have
   * changed it: settings, session locks, temporary tables, prepared statements, cursors, listeners,
   * variables and an open transaction all go.
   */
  LanedPool.SessionReset sessionReset();

  /** What a failed statement left of the explicit transaction it ran in. */
  enum AfterFailure {
    /** The transaction goes on; only the statement failed. */
    CONTINUES,
    /** The transaction is still open, but only a rollback is possible now (PostgreSQL). */
    ABORTED,
    /** The server rolled the whole transaction back, or the connection is gone. */
    ROLLED_BACK
  }

  /**
   * What {@code failure} of a statement left of its transaction. By default a failing database leaves
   * nothing, and any other failure only fails the statement.
   */
  default AfterFailure afterFailure(Throwable failure) {
    return io.dbgateway.error.Failures.isDatabaseDown(driver(), failure) ? AfterFailure.ROLLED_BACK : AfterFailure.CONTINUES;
  }

  /** {@code base} and {@code more}, for dialects that refuse more than {@link #TRANSACTION_AND_SESSION}. */
  static java.util.Set<String> union(java.util.Set<String> base, String... more) {
    java.util.Set<String> all = new java.util.HashSet<>(base);
    all.addAll(java.util.List.of(more));
    return java.util.Set.copyOf(all);
  }

  /** What a failure reported by this engine's driver means, as the contract's problem. */
  Problem classify(Throwable failure);
}
