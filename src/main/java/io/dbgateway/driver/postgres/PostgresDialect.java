package io.dbgateway.driver.postgres;

import io.dbgateway.error.Causes;
import io.dbgateway.api.ColumnMetadata;
import io.dbgateway.api.ParamType;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.JsonValues;
import io.dbgateway.driver.RowCursor;
import io.dbgateway.driver.SqlClientCursor;
import io.dbgateway.driver.TypedValues;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.node.LanedPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.data.Cidr;
import io.vertx.pgclient.data.Inet;
import io.vertx.pgclient.data.Interval;
import io.vertx.pgclient.data.Money;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.List;
import java.util.stream.Collector;

/** PostgreSQL through vertx-pg-client. */
public final class PostgresDialect implements Dialect {

  /** Every session starts with the default statement timeout (a startup parameter, see {@link PostgresDriver}). */
  private final long defaultTimeoutMs;
  private final PgArrayColumns arrays = new PgArrayColumns();

  /** Values the driver cannot bind as the type the server inferred go as text, for the server to read. */
  private final PgParameterBinding binding = new PgParameterBinding(PgParameterBinding.DEFAULT_CAPACITY);

  public PostgresDialect(long defaultTimeoutMs) {
    this.defaultTimeoutMs = defaultTimeoutMs;
  }

  public long defaultTimeoutMs() {
    return defaultTimeoutMs;
  }

  private static final String QUERY_CANCELED = "57014";

  @Override
  public Driver driver() {
    return PostgresDriver.INSTANCE;
  }

  /**
   * A read-only transaction runs a query at once: PostgreSQL lets {@code SET TRANSACTION READ WRITE}
   * (or {@code SET transaction_read_only}) lift READ ONLY only before the transaction's first query,
   * so after it nothing can.
   */
  @Override
  public String beginTransaction(boolean readOnly) {
    return readOnly ? "START TRANSACTION READ ONLY; SELECT 1" : "START TRANSACTION";
  }

  /**
   * A read-only transaction is rolled back, which undoes its settings; its session advisory locks
   * (which a rollback keeps) are released in the same message, so none outlives the request.
   */
  @Override
  public String endTransaction(boolean readOnly, boolean commit) {
    return readOnly ? "ROLLBACK; SELECT pg_advisory_unlock_all()" : Dialect.super.endTransaction(false, commit);
  }

  /**
   * Also: two-phase commit, session-level prepared statements (the driver's own live in the same
   * namespace), DISCARD (which would drop them), LISTEN, LOAD and COPY (server files and programs).
   */
  @Override
  public java.util.Set<String> readOnlyRefused() {
    return Dialect.union(TRANSACTION_AND_SESSION,
        "ABORT", "PREPARE", "EXECUTE", "DEALLOCATE", "DISCARD", "LISTEN", "UNLISTEN", "LOAD", "COPY");
  }

  @Override
  public Tuple tuple(List<Object> values) {
    return new PgCoercingTuple(values);
  }

  /**
   * Sessions run with the default {@code statement_timeout}, so a statement with the default timeout is
   * one message. Another timeout is set just before the statement and set back just after; all three are
   * pipelined into one round trip. Inside a transaction that rolls back, PostgreSQL undoes the SET itself.
   * A statement whose result has array columns runs as {@link PgArrayColumns} plans it, so that
   * multi-dimensional arrays are not lost.
   */
  @Override
  public <R> Future<SqlResult<R>> execute(
      SqlConnection connection, String sql, Tuple params, long timeoutMs, Collector<Row, ?, R> rows) {
    return binding.bind(connection, sql, params, (bound, values) ->
        arrays.execute(connection, bound, values, rows, (planned, collector) ->
            withTimeout(connection, timeoutMs, () -> connection.preparedQuery(planned).collecting(collector).execute(values))));
  }

  /**
   * The statements before the last as one simple-protocol message (PostgreSQL runs them in one implicit
   * transaction, unless the script holds its own BEGIN and COMMIT; {@code statement_timeout} bounds the
   * message), then the last one as any statement is run, whose result is the answer: read in binary, with
   * its multi-dimensional arrays whole ({@link PgArrayColumns}). A simple-protocol message's results come
   * as text, which vertx-pg-client reads wrongly or not at all for a multi-dimensional array. The leading
   * statements' results are dropped; should the driver fail to read one, it closes the connection, and the
   * answer says so rather than being a 500.
   */
  @Override
  public <R> Future<SqlResult<R>> executeScript(
      SqlConnection connection, String sql, List<String> statements, long timeoutMs, Collector<Row, ?, R> rows) {
    // A line break before each ';', so a line comment at the end of a statement cannot swallow it.
    String leading = String.join("\n;\n", statements.subList(0, statements.size() - 1));
    return withTimeout(connection, timeoutMs, () -> connection.query(leading).collecting(java.util.stream.Collectors.counting()).execute())
        .recover(failure -> Future.failedFuture(failure instanceof PgException || Failures.transport(failure) != null
            ? failure : new GatewayException(UNREADABLE_SCRIPT_RESULT, failure)))
        .compose(ran -> execute(connection, statements.get(statements.size() - 1), Tuple.tuple(), timeoutMs, rows));
  }

  static final Problem UNREADABLE_SCRIPT_RESULT = Problem.of(ErrorCode.SQL_ERROR, "the PostgreSQL driver could not"
      + " read the result of a statement before the script's last: it reads those as text, where it cannot parse a"
      + " multi-dimensional array (or another value it does not know). The connection was closed while the answer"
      + " was read, so whether those statements committed is unknown. Run the statement that returns the array last,"
      + " or on its own, or select the array as text (a::text)");

  private <R> Future<SqlResult<R>> withTimeout(SqlConnection connection, long timeoutMs,
      java.util.function.Supplier<Future<SqlResult<R>>> work) {
    if (timeoutMs == defaultTimeoutMs) {
      return work.get();
    }
    Future<?> set = setTimeout(connection, timeoutMs);
    Future<SqlResult<R>> result = work.get();
    Future<?> restore = setTimeout(connection, defaultTimeoutMs);
    // The answer is the statement's, once the session is back to its default.
    return Future.join(set, result, restore).transform(ignored -> result);
  }

  /**
   * A portal, read with {@code Execute(n)}. PostgreSQL applies {@code statement_timeout} to each
   * Execute, so the timeout bounds each read; a non-default one is {@code SET LOCAL}, which ends with
   * the stream's transaction.
   */
  @Override
  public Future<RowCursor> openCursor(SqlConnection connection, String sql, Tuple params, long timeoutMs) {
    Future<?> timeout = timeoutMs == defaultTimeoutMs ? Future.succeededFuture()
        : connection.query("SET LOCAL statement_timeout = " + timeoutMs).execute();
    return timeout.map(set -> binding.cursor(connection, sql, params, (bound, values) ->
        arrays.openCursor(connection, bound, values, planned -> SqlClientCursor.open(connection, planned, values))));
  }

  /**
   * Everything {@code DISCARD ALL} does, in one message, except {@code DEALLOCATE ALL} and {@code DISCARD
   * PLANS}: the driver's own prepared statements stay (dropping them would cost every later statement a
   * Parse), and only those a caller made with {@code PREPARE} go. {@code ROLLBACK} first ends a
   * transaction a caller's {@code BEGIN} left open. RESET ALL takes every setting back to the session's
   * start, the default statement timeout included (a startup parameter).
   */
  static final String RESET_SESSION = "ROLLBACK; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP;"
      + " SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DO $dbgw$ DECLARE n text; BEGIN FOR n IN SELECT name FROM"
      + " pg_prepared_statements WHERE from_sql LOOP EXECUTE format('DEALLOCATE %I', n); END LOOP; END $dbgw$";

  /**
   * Sets the session's search path to the one schema, quoted, if it exists; a missing schema is the
   * request's error (as PostgreSQL reports it, 3F000), not a search path that finds nothing.
   */
  @Override
  public java.util.function.Function<SqlConnection, Future<Void>> useSchema(String schema, String database) {
    Tuple name = Tuple.of(schema);
    return conn -> conn.preparedQuery("SELECT set_config('search_path', quote_ident(nspname), false)"
            + " FROM pg_catalog.pg_namespace WHERE nspname = $1").execute(name)
        .compose(set -> set.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new io.dbgateway.error.GatewayException(new Problem(ErrorCode.SQL_ERROR,
                "schema \"" + schema + "\" does not exist in database \"" + database + "\"", INVALID_SCHEMA_NAME, null,
                null, false, null))));
  }

  private static final String INVALID_SCHEMA_NAME = "3F000";
  private static final String INVALID_CATALOG_NAME = "3D000";

  @Override
  public boolean isUnknownDatabase(Throwable failure) {
    PgException pg = Causes.find(failure, PgException.class);
    return pg != null && INVALID_CATALOG_NAME.equals(pg.getSqlState());
  }

  /**
   * The notices the reset draws ("there is no transaction in progress") are dropped, as are those of the
   * statements before it on the same lease: a caller's {@code RAISE WARNING} is not the gateway's log.
   */
  @Override
  public LanedPool.SessionReset sessionReset() {
    return conn -> {
      io.vertx.pgclient.PgConnection.cast(conn).noticeHandler(notice -> {});
      return conn.query(RESET_SESSION).execute().mapEmpty();
    };
  }

  /** A PostgreSQL CancelRequest, sent on a connection of its own: the backend aborts the statement. */
  @Override
  public Future<Void> cancel(SqlConnection connection) {
    LanedPool.cancelSent(connection);
    return io.vertx.pgclient.PgConnection.cast(connection).cancelRequest();
  }

  private static Future<?> setTimeout(SqlConnection connection, long timeoutMs) {
    return connection.query("SET statement_timeout = " + timeoutMs).execute();
  }

  @Override
  public String columnType(ColumnDescriptor column) {
    // The driver calls macaddr8 an array too.
    if (column.isArray() && column.typeName() != null && column.typeName().endsWith("_ARRAY")) {
      return "ARRAY";
    }
    String name = column.typeName() == null ? "" : column.typeName();
    return switch (name) {
      case "TEXT" -> "VARCHAR";
      case "BPCHAR", "CHAR" -> "CHAR";
      case "INTERVAL" -> "OTHER";
      case "MONEY" -> "NUMERIC";
      default -> Dialect.super.columnType(column);
    };
  }

  @Override
  public Object toJson(Object value, ColumnDescriptor column) {
    return json(value);
  }

  /** Checked, then left as JSON: {@link PgCoercingTuple} converts it to the type the server infers. */
  @Override
  public Object typed(Object value, ParamType type, String parameter) {
    return TypedValues.checked(value, type, parameter);
  }

  /**
   * The server infers a parameter's type from the statement, so a declared type that must win
   * everywhere (even in {@code SELECT :x}) is a cast, as PostgreSQL's JDBC driver types these values.
   * Timestamps, dates, times and JSON are left to the server's inference, as that driver leaves them
   * ("unspecified"), so a timestamp fits a {@code timestamptz} column without a session time zone.
   */
  @Override
  public String cast(ParamType type) {
    return switch (type) {
      case DECIMAL -> "::numeric";
      case UUID -> "::uuid";
      case BINARY -> "::bytea";
      default -> "";
    };
  }

  /** Precision and scale of the fixed-size types, as PostgreSQL's JDBC driver reports them. */
  private static final java.util.Map<String, int[]> FIXED_PRECISION = java.util.Map.ofEntries(
      java.util.Map.entry("bool", new int[] {1, 0}), java.util.Map.entry("int2", new int[] {5, 0}),
      java.util.Map.entry("int4", new int[] {10, 0}), java.util.Map.entry("int8", new int[] {19, 0}),
      java.util.Map.entry("float4", new int[] {8, 8}), java.util.Map.entry("float8", new int[] {17, 17}),
      java.util.Map.entry("date", new int[] {13, 0}), java.util.Map.entry("time", new int[] {15, 6}),
      java.util.Map.entry("timetz", new int[] {21, 6}), java.util.Map.entry("timestamp", new int[] {29, 6}),
      java.util.Map.entry("timestamptz", new int[] {35, 6}), java.util.Map.entry("uuid", new int[] {36, 0}));

  /**
   * The driver's row description names the type but keeps its modifier (a numeric's precision and
   * scale, a varchar's length) and the source column to itself: those are 0 and the nullability is
   * unknown.
   */
  @Override
  public ColumnMetadata columnMetadata(ColumnDescriptor column) {
    String driverName = column.typeName() == null ? "" : column.typeName().toLowerCase(java.util.Locale.ROOT);
    boolean array = column.isArray() && driverName.endsWith("_array");
    String typeName = array ? "_" + driverName.substring(0, driverName.length() - "_array".length()) : driverName;
    int[] precision = FIXED_PRECISION.getOrDefault(typeName, new int[] {0, 0});
    ColumnMetadata base = TypedValues.fromJdbcType(typeName, columnType(column), precision[0], precision[1]);
    return new ColumnMetadata(base.typeName(), base.nullable(), base.precision(), base.scale(), base.signed(),
        false, base.caseSensitive(), typeName.equals("money"), "", "",
        array && column.jdbcType() != null ? column.jdbcType().getName() : null);
  }

  /** The contract's table, plus the PostgreSQL types it leaves to us: intervals, money, network addresses. */
  private static Object json(Object value) {
    if (value instanceof Interval interval) {
      return isoDuration(interval);
    }
    if (value instanceof Money money) {
      return money.bigDecimalValue().toPlainString();
    }
    if (value instanceof Inet inet) {
      return address(inet.getAddress(), inet.getNetmask());
    }
    if (value instanceof Cidr cidr) {
      return address(cidr.getAddress(), cidr.getNetmask());
    }
    if (value instanceof Object[] array) {
      JsonArray json = new JsonArray();
      for (Object element : array) {
        json.add(json(element));
      }
      return json;
    }
    return JsonValues.toJson(value);
  }

  private static String address(java.net.InetAddress address, Integer netmask) {
    return address.getHostAddress() + (netmask == null ? "" : "/" + netmask);
  }

  /** An interval as an ISO-8601 duration, such as {@code P1Y2M3DT4H5M6.5S}. */
  private static String isoDuration(Interval i) {
    StringBuilder text = new StringBuilder("P");
    if (i.getYears() != 0) text.append(i.getYears()).append('Y');
    if (i.getMonths() != 0) text.append(i.getMonths()).append('M');
    if (i.getDays() != 0) text.append(i.getDays()).append('D');
    long micros = i.getSeconds() * 1_000_000L + i.getMicroseconds();
    if (i.getHours() != 0 || i.getMinutes() != 0 || micros != 0) {
      text.append('T');
      if (i.getHours() != 0) text.append(i.getHours()).append('H');
      if (i.getMinutes() != 0) text.append(i.getMinutes()).append('M');
      if (micros != 0) {
        text.append(java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString()).append('S');
      }
    }
    return text.length() == 1 ? "PT0S" : text.toString();
  }

  @Override
  public List<Object> generatedKeys(SqlResult<?> result) {
    // PostgreSQL reports generated keys only through RETURNING, which arrives as rows.
    return List.of();
  }

  /** Any error the server reports aborts the transaction: later statements fail until ROLLBACK. */
  @Override
  public AfterFailure afterFailure(Throwable failure) {
    AfterFailure effect = Dialect.super.afterFailure(failure);
    return effect == AfterFailure.CONTINUES && failure instanceof PgException ? AfterFailure.ABORTED : effect;
  }

  @Override
  public Problem classify(Throwable failure) {
    if (failure instanceof PgException pg) {
      String detail = pg.getErrorMessage() + (pg.getDetail() == null ? "" : " (" + pg.getDetail() + ")");
      if (QUERY_CANCELED.equals(pg.getSqlState())) {
        return Failures.statementTimeout(pg.getSqlState(), null);
      }
      return Failures.fromSqlState(pg.getSqlState(), null, detail);
    }
    Problem transport = Failures.transport(failure);
    return transport != null ? transport : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
  }
}
