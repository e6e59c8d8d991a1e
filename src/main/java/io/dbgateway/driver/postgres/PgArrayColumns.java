package io.dbgateway.driver.postgres;

import io.dbgateway.driver.RowCursor;
import io.dbgateway.sql.SqlScript;
import io.dbgateway.sql.SqlSyntax;
import io.dbgateway.sql.SqlWords;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.PropertyKind;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import io.vertx.sqlclient.internal.ArrayTuple;
import io.vertx.sqlclient.internal.PreparedStatement;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import io.vertx.sqlclient.internal.command.PrepareStatementCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Multi-dimensional PostgreSQL arrays whole. vertx-pg-client decodes arrays of one dimension only
 * (5.0.7, {@code DataTypeCodec}): in binary it gives null for the others, and in text (the format of
 * {@code numeric[]}) it fails on them. Their data would be lost. So a statement whose result has array
 * columns runs wrapped; for {@code SELECT id, a FROM t}, with {@code a} an array:
 *
 * <pre>
 * WITH dbgw_result AS NOT MATERIALIZED (SELECT id, a FROM t)
 * SELECT dbgw_c1 AS "id", CASE WHEN array_ndims(dbgw_c2) &gt; 1 THEN NULL ELSE dbgw_c2 END AS "a",
 *        CASE WHEN array_ndims(dbgw_c2) &gt; 1 THEN ARRAY(dbgw_c2's elements in order) END,
 *        CASE WHEN array_ndims(dbgw_c2) &gt; 1 THEN array_dims(dbgw_c2) END
 * FROM (SELECT * FROM dbgw_result UNION ALL SELECT "id", "a" FROM dbgw_result WHERE false)
 *   AS dbgw_columns(dbgw_c1, dbgw_c2)
 * </pre>
 *
 * A multi-dimensional value comes flat instead, a one-dimensional array of its own type that the driver
 * decodes element by element as any array, with its dimensions in added columns; here it is nested
 * again in its column and the added columns are dropped, so the result is the statement's own.
 * One-dimensional values pass as they are. The planner removes the empty branch, and the statement runs
 * as it would alone (once: a write or a volatile function too); the branch is there for the parser,
 * which refuses the wrapped statement if the result no longer has the described number of columns, or
 * names.
 *
 * <p>Which columns are arrays must be known before the statement runs (after, the values are gone). The
 * server describes each SQL text once per database, on the connection about to run it (Parse and
 * Describe of the unnamed statement: nothing runs), and the answer is kept, least recently used first
 * out. Only text that can return rows and can stand in a WITH is described: {@code SELECT},
 * {@code VALUES}, {@code TABLE}, a {@code WITH} without a part that writes, and {@code INSERT},
 * {@code UPDATE} or {@code DELETE} with {@code RETURNING}. The rest ({@code FETCH}, {@code EXECUTE},
 * {@code CALL}, a {@code WITH} that writes) runs as it is.
 *
 * <p>A description can go stale: a table altered since, a temporary table of the session that hides
 * one. A wrapped statement the parser then refuses is described again and run once more (outside a
 * transaction nothing ran; inside one, the transaction is aborted and the error says why); refused
 * again, its text runs unwrapped from then on. A result whose array columns are not the described ones
 * has its description forgotten for the next run.
 */
final class PgArrayColumns {

  static final int DEFAULT_CAPACITY = 1000;

  private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
  /** Words before UPDATE or DELETE that make them no write: FOR [NO KEY] UPDATE, ON DELETE, DO UPDATE. */
  private static final Set<String> NOT_A_WRITE_AFTER = Set.of("FOR", "KEY", "ON", "DO");
  /** The server refuses a statement whose parameter types it cannot infer; vertx-pg-client then sends them. */
  private static final Set<String> INDETERMINATE = Set.of("42P18", "42804", "42P08");
  private static final Set<String> STALE = Set.of("42601", "42703", "42883", "42804", "0A000");
  private static final Pattern DIMENSION = Pattern.compile("\\[(-?\\d+):(-?\\d+)]");

  /** Runs SQL text with a collector of its rows. */
  interface Run<R> {
    Future<SqlResult<R>> run(String sql, Collector<Row, ?, R> rows);
  }

  /**
   * How a SQL text runs.
   *
   * @param sql the wrapped statement, or null to run the text as it is
   * @param arrays the positions of the array columns, in order
   * @param described whether the server described the text (else nothing is known of its columns)
   */
  record Plan(String sql, int[] arrays, boolean described) {

    static final Plan UNDESCRIBED = new Plan(null, new int[0], false);

    boolean wrapped() {
      return sql != null;
    }

    /** Whether a result of the statement (as the statement's own) has the columns the plan was made for. */
    boolean fits(List<ColumnDescriptor> result) {
      if (!described || result == null) {
        return true;
      }
      return Arrays.equals(IntStream.range(0, result.size()).filter(i -> result.get(i).isArray()).toArray(), arrays);
    }

    /** A row of the wrapped statement as the statement's own: its multi-dimensional arrays nested. */
    Row nest(Row row) {
      int own = row.size() - 2 * arrays.length;
      List<String> names = new ArrayList<>(own);
      Object[] values = new Object[own];
      for (int i = 0; i < own; i++) {
        names.add(row.getColumnName(i));
        values[i] = row.getValue(i);
      }
      for (int j = 0; j < arrays.length; j++) {
        Object flat = row.getValue(own + 2 * j);
        String dimensions = row.getString(own + 2 * j + 1);
        if (dimensions != null && flat instanceof Object[] elements && arrays[j] < own) {
          values[arrays[j]] = nested(elements, dimensions);
        }
      }
      return new NestedRow(names, values);
    }

    /** The columns of the wrapped statement's result that are the statement's own. */
    <T> List<T> own(List<T> columns) {
      return columns == null || !wrapped() ? columns : columns.subList(0, columns.size() - 2 * arrays.length);
    }
  }

  /** The plans of one database, by SQL text: the same text may mean other columns in another. */
  private static final class Plans {
    private final Map<String, Plan> bySql;

    Plans(int capacity) {
      this.bySql = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Plan> eldest) {
          return size() > capacity;
        }
      };
    }

    synchronized Plan get(String sql) {
      return bySql.get(sql);
    }

    synchronized void put(String sql, Plan plan) {
      bySql.put(sql, plan);
    }

    synchronized void forget(String sql, Plan plan) {
      bySql.remove(sql, plan);
    }
  }

  private final int capacity;
  private final Map<String, Plans> byDatabase = new ConcurrentHashMap<>();

  PgArrayColumns() {
    this(DEFAULT_CAPACITY);
  }

  PgArrayColumns(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Runs {@code sql} on {@code connection} as planned: {@code run} gets the SQL to run and the collector
   * of its rows; the answer is the statement's own result. A statement the server cannot describe fails
   * as running it would have.
   */
  <R> Future<SqlResult<R>> execute(SqlConnection connection, String sql, Tuple params, Collector<Row, ?, R> rows,
      Run<R> run) {
    Plans plans = plans(connection);
    Plan known = plans.get(sql);
    if (known != null) {
      return execute(connection, plans, sql, params, known, rows, run, true);
    }
    return plan(connection, plans, sql, params)
        .compose(plan -> execute(connection, plans, sql, params, plan, rows, run, true));
  }

  /**
   * @param mayRetry whether a wrapped statement that the parser refused is described again and run once
   *     more; refused again, its text runs unwrapped from then on (the wrapping does not fit it)
   */
  private <R> Future<SqlResult<R>> execute(SqlConnection connection, Plans plans, String sql, Tuple params, Plan plan,
      Collector<Row, ?, R> rows, Run<R> run, boolean mayRetry) {
    if (!plan.wrapped()) {
      Future<SqlResult<R>> result = run.run(sql, rows);
      return plan.described() ? result.andThen(ran -> checkFit(plans, sql, plan, ran)) : result;
    }
    return run.run(plan.sql(), Collectors.mapping(plan::nest, rows)).<SqlResult<R>>map(r -> new Unwrapped<>(r, plan))
        .andThen(ran -> checkFit(plans, sql, plan, ran))
        .recover(failure -> {
          if (!stale(plan, failure)) {
            return Future.failedFuture(failure);
          }
          if (!mayRetry) {
            plans.put(sql, Plan.UNDESCRIBED);
            return Future.failedFuture(failure);
          }
          plans.forget(sql, plan);
          return plan(connection, plans, sql, params)
              .compose(again -> execute(connection, plans, sql, params, again, rows, run, false))
              .recover(retried -> Future.failedFuture(aborted(retried) ? changed((PgException) failure) : retried));
        });
  }

  /** Forgets the plan of a result whose array columns are not the described ones: the next run describes again. */
  private static <R> void checkFit(Plans plans, String sql, Plan plan, io.vertx.core.AsyncResult<SqlResult<R>> ran) {
    if (ran.succeeded() && !plan.fits(ran.result().columnDescriptors())) {
      plans.forget(sql, plan);
    }
  }

  /**
   * Whether the parser may have refused a wrapped statement because its result no longer has the
   * described columns: a count or a name (42601, 42703), an array that is none (42883, 42804), or a
   * result type that changed under a prepared statement (0A000).
   */
  private static boolean stale(Plan plan, Throwable failure) {
    return plan.wrapped() && failure instanceof PgException pg && STALE.contains(pg.getSqlState());
  }

  private static boolean aborted(Throwable failure) {
    return failure instanceof PgException pg && "25P02".equals(pg.getSqlState());
  }

  /** The refusal, in a transaction that it aborted: in words about the statement rather than its wrapping. */
  private static PgException changed(PgException failure) {
    return new PgException("the statement failed as the gateway ran it to keep multi-dimensional arrays whole;"
        + " its result columns may have changed since the gateway described it (a table altered, or a temporary"
        + " table that hides one): run the transaction again", failure.getSeverity(), failure.getSqlState(),
        failure.getErrorMessage());
  }

  /** Opens a cursor over {@code sql} as planned, with {@code open}; its chunks are the statement's own. */
  Future<RowCursor> openCursor(SqlConnection connection, String sql, Tuple params,
      Function<String, Future<RowCursor>> open) {
    Plans plans = plans(connection);
    return plan(connection, plans, sql, params).compose(plan -> {
      if (!plan.wrapped()) {
        return open.apply(sql);
      }
      return open.apply(plan.sql()).<RowCursor>map(opened -> new RowCursor() {
        @Override
        public Future<Chunk> read(int count) {
          return opened.read(count).map(chunk -> {
            List<Row> rows = new ArrayList<>(chunk.rows().size());
            chunk.rows().forEach(row -> rows.add(plan.nest(row)));
            List<ColumnDescriptor> columns = plan.own(chunk.columns());
            if (!plan.fits(columns)) {
              plans.forget(sql, plan);
            }
            return new Chunk(columns, rows, chunk.more());
          });
        }

        @Override
        public Future<Void> close() {
          return opened.close();
        }
      }).onFailure(failure -> {
        if (stale(plan, failure)) {
          plans.forget(sql, plan);
        }
      });
    });
  }

  private Plans plans(SqlConnection connection) {
    return byDatabase.computeIfAbsent(((SqlConnectionInternal) connection).unwrap().database(), db -> new Plans(capacity));
  }

  private Future<Plan> plan(SqlConnection connection, Plans plans, String sql, Tuple params) {
    Plan known = plans.get(sql);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    if (!wrappable(sql)) {
      plans.put(sql, Plan.UNDESCRIBED);
      return Future.succeededFuture(Plan.UNDESCRIBED);
    }
    return describe(connection, sql, params).map(columns -> {
      // Before PostgreSQL 12 a WITH is always materialized, and says nothing else.
      Plan plan = plan(sql, columns, connection.databaseMetadata().majorVersion() >= 12);
      plans.put(sql, plan);
      return plan;
    });
  }

  /** Whether {@code sql} is one statement that may return rows and can be the body of a WITH. */
  static boolean wrappable(String sql) {
    List<List<String>> statements = SqlWords.leadingWords(sql, SqlSyntax.POSTGRESQL, Integer.MAX_VALUE);
    if (statements.size() != 1) {
      return false;
    }
    List<String> words = statements.get(0);
    return switch (words.get(0)) {
      case "SELECT", "VALUES", "TABLE" -> true;
      case "INSERT", "UPDATE", "DELETE" -> words.contains("RETURNING");
      // A WITH that writes must stay at the top level; which of its parts writes, words alone cannot tell.
      case "WITH" -> !writes(words);
      default -> false;
    };
  }

  private static boolean writes(List<String> words) {
    for (int i = 1; i < words.size(); i++) {
      if (WRITES.contains(words.get(i)) && !NOT_A_WRITE_AFTER.contains(words.get(i - 1))) {
        return true;
      }
    }
    return false;
  }

  private static Future<List<ColumnDescriptor>> describe(SqlConnection connection, String sql, Tuple params) {
    return prepare(connection, sql, null).recover(failure -> failure instanceof PgException pg
        && INDETERMINATE.contains(pg.getSqlState())
        ? prepare(connection, sql, params.types()).recover(typed -> Future.failedFuture(failure))
        : Future.failedFuture(failure));
  }

  /** Parse and Describe of the unnamed statement, which the next Parse replaces: nothing is left to close. */
  private static Future<List<ColumnDescriptor>> prepare(SqlConnection connection, String sql, List<Class<?>> types) {
    Promise<PreparedStatement> prepared = Promise.promise();
    ((SqlConnectionInternal) connection).unwrap().schedule(new PrepareStatementCommand(sql, null, false, types), prepared);
    return prepared.future().map(statement -> statement.rowDesc() == null ? List.of() : statement.rowDesc().columnDescriptor());
  }

  /** @param inline whether the server takes {@code NOT MATERIALIZED} (PostgreSQL 12 and later) */
  static Plan plan(String sql, List<ColumnDescriptor> columns, boolean inline) {
    int[] arrays = IntStream.range(0, columns.size()).filter(i -> columns.get(i).isArray()).toArray();
    if (arrays.length == 0) {
      return new Plan(null, arrays, true);
    }
    List<String> names = columns.stream().map(c -> c.name() == null ? "?column?" : c.name()).toList();
    StringBuilder wrapped = new StringBuilder(inline ? "WITH dbgw_result AS NOT MATERIALIZED (\n" : "WITH dbgw_result AS (\n")
        .append(SqlScript.statements(sql, SqlSyntax.POSTGRESQL).get(0)).append("\n) SELECT ");
    for (int i = 0; i < names.size(); i++) {
      String c = "dbgw_c" + (i + 1);
      wrapped.append(i == 0 ? "" : ", ")
          .append(columns.get(i).isArray() ? "CASE WHEN " + multiDimensional(c) + " THEN NULL ELSE " + c + " END" : c)
          .append(" AS ").append(quoted(names.get(i)));
    }
    for (int i : arrays) {
      String c = "dbgw_c" + (i + 1);
      wrapped.append(", CASE WHEN ").append(multiDimensional(c)).append(" THEN ARRAY(SELECT e.v FROM pg_catalog.unnest(")
          .append(c).append(") WITH ORDINALITY AS e(v, n) ORDER BY e.n) END, CASE WHEN ").append(multiDimensional(c))
          .append(" THEN pg_catalog.array_dims(").append(c).append(") END");
    }
    // The empty branch names each column the description named once, and has as many columns.
    wrapped.append(" FROM (SELECT * FROM dbgw_result UNION ALL SELECT ");
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      wrapped.append(i == 0 ? "" : ", ").append(names.indexOf(name) == names.lastIndexOf(name) ? quoted(name) : "NULL");
    }
    wrapped.append(" FROM dbgw_result WHERE false) AS dbgw_columns(");
    for (int i = 0; i < names.size(); i++) {
      wrapped.append(i == 0 ? "" : ", ").append("dbgw_c").append(i + 1);
    }
    return new Plan(wrapped.append(')').toString(), arrays, true);
  }

  private static String multiDimensional(String column) {
    return "pg_catalog.array_ndims(" + column + ") > 1";
  }

  private static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code flat}, in row-major order, nested by {@code dimensions} ({@code [1:2][1:3]}, as {@code array_dims} writes them). */
  static Object[] nested(Object[] flat, String dimensions) {
    List<Integer> lengths = new ArrayList<>();
    Matcher m = DIMENSION.matcher(dimensions);
    while (m.find()) {
      lengths.add(Integer.parseInt(m.group(2)) - Integer.parseInt(m.group(1)) + 1);
    }
    int size = lengths.stream().reduce(1, (a, b) -> a * b);
    if (lengths.isEmpty() || size != flat.length) {
      throw new IllegalStateException("an array of dimensions " + dimensions + " came with " + flat.length + " elements");
    }
    return nested(flat, lengths, 0, 0, size);
  }

  private static Object[] nested(Object[] flat, List<Integer> lengths, int depth, int offset, int size) {
    int length = lengths.get(depth);
    if (depth == lengths.size() - 1) {
      return Arrays.copyOfRange(flat, offset, offset + length);
    }
    int stride = size / length;
    Object[] out = new Object[length];
    for (int k = 0; k < length; k++) {
      out[k] = nested(flat, lengths, depth + 1, offset + k * stride, stride);
    }
    return out;
  }

  /** A result of the wrapped statement, as the statement's own: without the added columns. */
  private record Unwrapped<R>(SqlResult<R> result, Plan plan) implements SqlResult<R> {

    @Override
    public int rowCount() {
      return result.rowCount();
    }

    @Override
    public List<String> columnsNames() {
      return plan.own(result.columnsNames());
    }

    @Override
    public List<ColumnDescriptor> columnDescriptors() {
      return plan.own(result.columnDescriptors());
    }

    @Override
    public int size() {
      return result.size();
    }

    @Override
    public <V> V property(PropertyKind<V> kind) {
      return result.property(kind);
    }

    @Override
    public R value() {
      return result.value();
    }

    @Override
    public SqlResult<R> next() {
      return result.next();
    }
  }

  /** A row with its values given. */
  private static final class NestedRow extends ArrayTuple implements Row {
    private final List<String> names;

    NestedRow(List<String> names, Object[] values) {
      super(values.length);
      this.names = names;
      for (Object value : values) {
        addValue(value);
      }
    }

    @Override
    public String getColumnName(int pos) {
      return pos < 0 || pos >= names.size() ? null : names.get(pos);
    }

    @Override
    public int getColumnIndex(String column) {
      return names.indexOf(column);
    }
  }
}
