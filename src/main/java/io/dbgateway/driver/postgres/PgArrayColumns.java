package io.dbgateway.driver.postgres;

import io.dbgateway.driver.RowCursor;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
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
 * <p>Columns of types the driver does not know (enums, composite types, ranges, extension types, and
 * arrays of those and of domains; the server describes a domain as its base type) it reads as text,
 * and any such text that begins with a brace as a one-dimensional array of texts: an array of more
 * dimensions, or a multirange, comes out wrong. A few it knows ({@code macaddr}, {@code bit},
 * {@code xml}, {@code oid}, ...) it asks for in binary and reads as null. Those columns are sent as
 * text instead ({@code CAST(a AS text)}), each with whether its type is an array
 * ({@code pg_type.typcategory 'A'}, a domain over one too; or {@code 'P'}, {@code anyarray}), and an array's text is read here
 * ({@link PgArrayText}): nested arrays of element texts.
 *
 * <p>Which columns are arrays must be known before the statement runs (after, the values are gone). The
 * server describes each SQL text once per database, on the connection about to run it (Parse and
 * Describe of the unnamed statement: nothing runs), and the answer is kept, least recently used first
 * out. Text that can return rows and can stand in a WITH is wrapped: {@code SELECT}, {@code VALUES},
 * {@code TABLE}, a {@code WITH}, and {@code INSERT}, {@code UPDATE} or {@code DELETE} with
 * {@code RETURNING}. A {@code WITH} that writes must stay at the top level, so its query joins its own
 * list of parts, as the last one, {@code dbgw_result}. {@code FETCH}, {@code EXECUTE}, {@code CALL} and
 * {@code MERGE ... RETURNING} cannot be wrapped: they are described on every run (what they return
 * depends on the session), and refused before they run if their result has array columns, since a
 * multi-dimensional value there would be read as null, which SQL's NULL is too. But a cursor declared
 * through the gateway ({@code DECLARE c CURSOR FOR SELECT ...}) has its query wrapped, and the added
 * columns are named for the column they serve ({@code dbgw.flat.2}, {@code dbgw.dims.2},
 * {@code dbgw.array.3}), so the rows FETCH reads from it say themselves how to nest them.
 *
 * <p>A description can go stale: a table altered since, a temporary table of the session that hides
 * one. A wrapped statement the parser then refuses is described again and run once more (outside a
 * transaction nothing ran; inside one, the transaction is aborted and the error says why); refused
 * again, its text runs unwrapped from then on. A result whose array columns are not the described ones
 * has its description forgotten; a read is then described again and run once more, and a write (run
 * once already) fails with an error that says it ran.
 */
final class PgArrayColumns {

  static final int DEFAULT_CAPACITY = 1000;

  private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
  /** Words before UPDATE or DELETE that make them no write: FOR [NO KEY] UPDATE, ON DELETE, DO UPDATE. */
  private static final Set<String> NOT_A_WRITE_AFTER = Set.of("FOR", "KEY", "ON", "DO");
  /** Statements that may return rows but cannot stand in a WITH: described on each run, as they depend on the session. */
  private static final Set<String> UNWRAPPABLE = Set.of("FETCH", "EXECUTE", "CALL", "MERGE");
  /** The server refuses a statement whose parameter types it cannot infer; vertx-pg-client then sends them. */
  private static final Set<String> INDETERMINATE = Set.of("42P18", "42804", "42P08");
  private static final Set<String> STALE = Set.of("42601", "42703", "42883", "42804", "0A000");
  private static final Pattern DIMENSION = Pattern.compile("\\[(-?\\d+):(-?\\d+)]");
  /** The names of the columns the wrapping adds, before the position (from 1) of the column they are for. */
  private static final String FLAT = "dbgw.flat.";
  private static final String DIMENSIONS = "dbgw.dims.";
  private static final String IS_ARRAY = "dbgw.array.";
  /** The driver's name for a type it does not know: it reads such values as text, guessing at arrays. */
  private static final String UNKNOWN_TYPE = "UNKNOWN";
  /** The driver's names for the types it knows but reads as null in binary, the format it asks them in. */
  private static final Set<String> UNDECODED = Set.of("MACADDR", "MACADDR8", "BIT", "BIT_ARRAY", "VARBIT", "VARBIT_ARRAY",
      "XML", "XML_ARRAY", "OID", "OID_ARRAY", "HSTORE");

  /** Runs SQL text with a collector of its rows. */
  interface Run<R> {
    Future<SqlResult<R>> run(String sql, Collector<Row, ?, R> rows);
  }

  /** How the gateway treats a statement, known from its words alone. */
  enum Kind {
    /** Returns rows only as it reads (SELECT, VALUES, TABLE, a WITH that writes nothing): it may run again. */
    READ,
    /** An INSERT, UPDATE or DELETE with RETURNING, or a WITH that writes: wrapped too, but never run twice. */
    WRITE,
    /** FETCH, EXECUTE, CALL, MERGE: may return rows, cannot stand in a WITH. */
    UNWRAPPABLE,
    /** A DECLARE of a cursor: its query is wrapped, and what FETCH reads from it says so in its column names. */
    CURSOR,
    /** Returns no rows, or is more than one statement. */
    OTHER
  }

  /**
   * How a SQL text runs.
   *
   * @param sql the wrapped statement, or null to run the text as it is
   * @param arrays the positions of the array columns, in order
   * @param texts the positions of the columns of types the driver does not know, read as text, in order
   * @param columns the described columns, or null if the server did not describe the text
   * @param kind what the statement is
   * @param refusal why the statement cannot run with its arrays whole, or null
   */
  record Plan(String sql, int[] arrays, int[] texts, List<ColumnDescriptor> columns, Kind kind, String refusal) {

    static final Plan UNDESCRIBED = new Plan(null, new int[0], new int[0], null, Kind.OTHER, null);

    boolean wrapped() {
      return sql != null;
    }

    boolean described() {
      return columns != null;
    }

    /** Whether a result of the statement (as the statement's own) has the columns the plan was made for. */
    boolean fits(List<ColumnDescriptor> result) {
      if (!described() || result == null) {
        return true;
      }
      int array = 0;
      int text = 0;
      for (int i = 0; i < result.size(); i++) {
        ColumnDescriptor column = result.get(i);
        if (array(column) && (array == arrays.length || arrays[array++] != i)
            || readAsText(column) && (text == texts.length || texts[text++] != i)) {
          return false;
        }
      }
      return array == arrays.length && text == texts.length;
    }

    private int extras() {
      return 2 * arrays.length + texts.length;
    }

    /** A row of the wrapped statement as the statement's own: its multi-dimensional arrays nested. */
    Row nest(Row row) {
      int own = row.size() - extras();
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
      for (int k = 0; k < texts.length; k++) {
        Object isArray = row.getValue(own + 2 * arrays.length + k);
        if (Boolean.TRUE.equals(isArray) && texts[k] < own && values[texts[k]] instanceof String text) {
          Object[] elements = PgArrayText.parse(text);
          values[texts[k]] = elements == null ? text : elements;
        }
      }
      return new NestedRow(names, values);
    }

    /** The columns of the wrapped statement's result that are the statement's own. */
    <T> List<T> own(List<T> columns) {
      return columns == null || !wrapped() ? columns : columns.subList(0, columns.size() - extras());
    }

    /** The statement's own column descriptors: those read as text are described as the statement's. */
    List<ColumnDescriptor> ownDescriptors(List<ColumnDescriptor> result) {
      List<ColumnDescriptor> own = own(result);
      if (own == null || texts.length == 0 || columns == null) {
        return own;
      }
      List<ColumnDescriptor> described = new ArrayList<>(own);
      for (int i : texts) {
        if (i < described.size()) {
          described.set(i, columns.get(i));
        }
      }
      return described;
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
   * @param mayRetry whether a statement whose description proved stale is described again and run once
   *     more: a wrapped one that the parser refused (refused again, its text runs unwrapped from then
   *     on, the wrapping does not fit it), or a read whose result has array columns it was not planned for
   */
  private <R> Future<SqlResult<R>> execute(SqlConnection connection, Plans plans, String sql, Tuple params, Plan plan,
      Collector<Row, ?, R> rows, Run<R> run, boolean mayRetry) {
    if (plan.refusal() != null) {
      return Future.failedFuture(new GatewayException(Problem.of(ErrorCode.SQL_ERROR, plan.refusal())));
    }
    if (!plan.wrapped()) {
      Future<SqlResult<R>> result = run.run(sql, rows);
      return plan.described() ? result.compose(ran -> checkFit(connection, plans, sql, params, plan, rows, run, mayRetry, ran)) : result;
    }
    // A DECLARE answers no rows: its cursor's answer to FETCH is nested (see unwrappable).
    Future<SqlResult<R>> result = plan.kind() == Kind.CURSOR ? run.run(plan.sql(), rows)
        : run.run(plan.sql(), Collectors.mapping(plan::nest, rows)).map(r -> new Unwrapped<>(r, plan));
    return result.compose(ran -> plan.kind() == Kind.CURSOR ? Future.succeededFuture(ran)
            : checkFit(connection, plans, sql, params, plan, rows, run, mayRetry, ran), failure -> {
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

  /**
   * The result, if its columns are the planned ones. Else the table changed since the description (a
   * column became an array): a multi-dimensional value in it was read as null. The description is
   * forgotten; a read is described again and run once more, a write (which must not run twice) fails.
   */
  private <R> Future<SqlResult<R>> checkFit(SqlConnection connection, Plans plans, String sql, Tuple params, Plan plan,
      Collector<Row, ?, R> rows, Run<R> run, boolean mayRetry, SqlResult<R> ran) {
    if (plan.fits(ran.columnDescriptors())) {
      return Future.succeededFuture(ran);
    }
    plans.forget(sql, plan);
    if (plan.kind() == Kind.READ && mayRetry) {
      return plan(connection, plans, sql, params).compose(again -> execute(connection, plans, sql, params, again, rows, run, false));
    }
    return Future.failedFuture(new GatewayException(Problem.of(ErrorCode.SQL_ERROR, columnsChanged(ran.columnDescriptors()))));
  }

  /** A result whose columns changed under a write: it ran, but its new array columns may have lost values. */
  private static String columnsChanged(List<ColumnDescriptor> columns) {
    return "the statement ran (a write stands unless its transaction rolls back), but its result has array columns"
        + " the gateway did not describe (" + names(columns, IntStream.range(0, columns.size())
            .filter(i -> array(columns.get(i)) || readAsText(columns.get(i))).toArray())
        + "): the table changed since, and the PostgreSQL driver reads a multi-dimensional array there as null."
        + " The gateway has forgotten the old description: read the rows again (SELECT), or return the column as a::text"
        + " or to_json(a)";
  }

  /**
   * Whether the parser may have refused a wrapped statement because its result no longer has the
   * described columns: a count or a name (42601, 42703), an array that is none (42883, 42804), or a
   * result type that changed under a prepared statement (0A000).
   */
  private static boolean stale(Plan plan, Throwable failure) {
    return plan.wrapped() && plan.kind() != Kind.UNWRAPPABLE && failure instanceof PgException pg && STALE.contains(pg.getSqlState());
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

  /**
   * Opens a cursor over {@code sql} as planned, with {@code open}; its chunks are the statement's own. A
   * first chunk whose columns are not the planned ones is a result the table changed under: a read is
   * opened again as described anew, a write fails (as {@link #checkFit} does).
   */
  Future<RowCursor> openCursor(SqlConnection connection, String sql, Tuple params,
      Function<String, Future<RowCursor>> open) {
    Plans plans = plans(connection);
    return plan(connection, plans, sql, params).compose(plan -> openCursor(connection, plans, sql, params, plan, open, true));
  }

  private Future<RowCursor> openCursor(SqlConnection connection, Plans plans, String sql, Tuple params, Plan plan,
      Function<String, Future<RowCursor>> open, boolean mayRetry) {
    if (plan.refusal() != null) {
      return Future.failedFuture(new GatewayException(Problem.of(ErrorCode.SQL_ERROR, plan.refusal())));
    }
    if (!plan.described() && !plan.wrapped()) {
      return open.apply(sql);
    }
    return open.apply(plan.wrapped() ? plan.sql() : sql).<RowCursor>map(opened -> new RowCursor() {
      private RowCursor reopened;

      @Override
      public Future<Chunk> read(int count) {
        if (reopened != null) {
          return reopened.read(count);
        }
        return opened.read(count).compose(chunk -> {
          List<ColumnDescriptor> columns = plan.ownDescriptors(chunk.columns());
          if (plan.fits(columns)) {
            return Future.succeededFuture(plan.wrapped() ? nested(chunk, columns) : chunk);
          }
          plans.forget(sql, plan);
          if (plan.kind() != Kind.READ || !mayRetry) {
            return Future.failedFuture(new GatewayException(Problem.of(ErrorCode.SQL_ERROR, columnsChanged(columns))));
          }
          return opened.close()
              .compose(closed -> plan(connection, plans, sql, params))
              .compose(again -> openCursor(connection, plans, sql, params, again, open, false))
              .compose(cursor -> {
                reopened = cursor;
                return cursor.read(count);
              });
        });
      }

      private Chunk nested(Chunk chunk, List<ColumnDescriptor> columns) {
        List<Row> rows = new ArrayList<>(chunk.rows().size());
        chunk.rows().forEach(row -> rows.add(plan.nest(row)));
        return new Chunk(columns, rows, chunk.more());
      }

      @Override
      public Future<Void> close() {
        return reopened != null ? reopened.close() : opened.close();
      }
    }).onFailure(failure -> {
      if (stale(plan, failure)) {
        plans.forget(sql, plan);
      }
    });
  }

  // Vert.x internals (SqlConnectionInternal): the public SqlConnection does not say which database it is on.
  private Plans plans(SqlConnection connection) {
    return byDatabase.computeIfAbsent(((SqlConnectionInternal) connection).unwrap().database(), db -> new Plans(capacity));
  }

  private Future<Plan> plan(SqlConnection connection, Plans plans, String sql, Tuple params) {
    Plan known = plans.get(sql);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Kind kind = kind(sql);
    if (kind == Kind.OTHER) {
      plans.put(sql, Plan.UNDESCRIBED);
      return Future.succeededFuture(Plan.UNDESCRIBED);
    }
    int cursorQuery = kind == Kind.CURSOR ? SqlWords.after(sql, SqlSyntax.POSTGRESQL, "FOR") : 0;
    String query = sql.substring(cursorQuery);
    return describe(connection, query, params).map(columns -> {
      if (kind == Kind.UNWRAPPABLE) {
        // Not kept: what a FETCH or an EXECUTE returns depends on the session.
        return unwrappable(sql, columns);
      }
      // Before PostgreSQL 12 a WITH is always materialized, and says nothing else.
      Plan plan = plan(query, columns, kind == Kind.CURSOR ? Kind.READ : kind, connection.databaseMetadata().majorVersion() >= 12);
      if (kind == Kind.CURSOR) {
        plan = plan.wrapped() ? new Plan(sql.substring(0, cursorQuery) + "\n" + plan.sql(), plan.arrays(), plan.texts(),
            plan.columns(), Kind.CURSOR, null) : Plan.UNDESCRIBED;
      }
      plans.put(sql, plan);
      return plan;
    });
  }

  /** Whether {@code sql} is one statement that may return rows and can be the body of a WITH. */
  static boolean wrappable(String sql) {
    Kind kind = kind(sql);
    return kind == Kind.READ || kind == Kind.WRITE;
  }

  static Kind kind(String sql) {
    List<List<String>> statements = SqlWords.leadingWords(sql, SqlSyntax.POSTGRESQL, Integer.MAX_VALUE);
    if (statements.size() != 1) {
      return Kind.OTHER;
    }
    List<String> words = statements.get(0);
    return switch (words.get(0)) {
      case "SELECT", "VALUES", "TABLE" -> Kind.READ;
      case "INSERT", "UPDATE", "DELETE" -> words.contains("RETURNING") ? Kind.WRITE : Kind.OTHER;
      // A WITH that writes stays at the top level: the wrapping joins its list, before its query.
      case "WITH" -> !writes(words) ? Kind.READ
          : queryStart(SqlScript.statements(sql, SqlSyntax.POSTGRESQL).get(0)) > 0 ? Kind.WRITE : Kind.UNWRAPPABLE;
      case "FETCH", "EXECUTE", "CALL" -> Kind.UNWRAPPABLE;
      case "MERGE" -> words.contains("RETURNING") ? Kind.UNWRAPPABLE : Kind.OTHER;
      case "DECLARE" -> cursorOver(statements.get(0), sql) ? Kind.CURSOR : Kind.OTHER;
      default -> Kind.OTHER;
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

  /** Whether a DECLARE's query is one that can be wrapped (a SELECT or VALUES, as DECLARE takes). */
  private static boolean cursorOver(List<String> words, String sql) {
    int query = SqlWords.after(sql, SqlSyntax.POSTGRESQL, "FOR");
    return words.contains("CURSOR") && query > 0 && kind(sql.substring(query)) == Kind.READ;
  }

  private static String firstWord(String sql) {
    return SqlWords.leadingWords(sql, SqlSyntax.POSTGRESQL, 1).get(0).get(0);
  }

  private static int queryStart(String statement) {
    return SqlWords.withQueryStart(statement, SqlSyntax.POSTGRESQL);
  }

  /**
   * Whether the gateway reads a column's values from their text: a type the driver does not know, or one
   * it knows but reads as null in binary (its {@code DataTypeCodec.decodeBinary} has no case for it).
   */
  static boolean readAsText(ColumnDescriptor column) {
    return UNKNOWN_TYPE.equals(column.typeName()) || UNDECODED.contains(column.typeName());
  }

  /** Whether a column is an array the driver decodes (it calls {@code macaddr8} an array too). */
  static boolean array(ColumnDescriptor column) {
    return column.isArray() && column.typeName() != null && column.typeName().endsWith("_ARRAY") && !readAsText(column);
  }

  private static int[] positions(List<ColumnDescriptor> columns, java.util.function.Predicate<ColumnDescriptor> which) {
    return IntStream.range(0, columns.size()).filter(i -> which.test(columns.get(i))).toArray();
  }

  private static String names(List<ColumnDescriptor> columns, int[] positions) {
    return Arrays.stream(positions).mapToObj(i -> quoted(columns.get(i).name() == null ? "?column?" : columns.get(i).name()))
        .collect(Collectors.joining(", "));
  }

  /**
   * A statement that cannot be wrapped runs as it is, unless its result has array columns: then the
   * driver would read a multi-dimensional value there as null, which cannot be told from SQL's NULL,
   * so it is refused before it runs.
   */
  static Plan unwrappable(String sql, List<ColumnDescriptor> columns) {
    Plan marked = marked(sql, columns);
    if (marked != null) {
      return marked;
    }
    int[] lost = positions(columns, c -> array(c) || UNDECODED.contains(c.typeName()));
    if (lost.length == 0) {
      return Plan.UNDESCRIBED;
    }
    String statement = firstWord(sql);
    return new Plan(null, lost, new int[0], columns, Kind.UNWRAPPABLE, "the result of this " + statement
        + " has columns (" + names(columns, lost) + ") that the gateway reads whole only by wrapping the statement, which"
        + " a " + statement + " cannot be: the PostgreSQL driver reads a multi-dimensional array there as null (and a bit"
        + " string, macaddr, xml or oid value always). Return them as text or JSON instead, a::text or to_json(a), in "
        + switch (statement) {
          case "FETCH" -> "the cursor's query (DECLARE ... CURSOR FOR SELECT a::text ...)";
          case "EXECUTE" -> "the prepared statement (PREPARE ... AS SELECT a::text ...)";
          case "CALL" -> "the procedure's OUT parameters (declared text or json)";
          default -> "its RETURNING list";
        });
  }

  /**
   * The plan of a result that carries the columns a wrapping adds, named for the columns they are for:
   * what FETCH reads from a cursor the gateway declared. Null if it carries none, or does not cover
   * each of its array columns.
   */
  private static Plan marked(String sql, List<ColumnDescriptor> columns) {
    int own = columns.size();
    while (own > 0 && columns.get(own - 1).name() != null && columns.get(own - 1).name().startsWith("dbgw.")) {
      own--;
    }
    if (own == columns.size()) {
      return null;
    }
    List<Integer> arrays = new ArrayList<>();
    List<Integer> texts = new ArrayList<>();
    for (ColumnDescriptor extra : columns.subList(own, columns.size())) {
      String name = extra.name();
      List<Integer> into = name.startsWith(FLAT) ? arrays : name.startsWith(IS_ARRAY) ? texts : null;
      if (into != null) {
        into.add(Integer.parseInt(name.substring(name.lastIndexOf('.') + 1)) - 1);
      }
    }
    int[] covered = arrays.stream().mapToInt(Integer::intValue).toArray();
    if (columns.size() - own != 2 * arrays.size() + texts.size()
        || !Arrays.equals(positions(columns.subList(0, own), PgArrayColumns::array), covered)) {
      return null;
    }
    return new Plan(sql, covered, texts.stream().mapToInt(Integer::intValue).toArray(), null, Kind.UNWRAPPABLE, null);
  }

  private static Future<List<ColumnDescriptor>> describe(SqlConnection connection, String sql, Tuple params) {
    return prepare(connection, sql, null).recover(failure -> failure instanceof PgException pg
        && INDETERMINATE.contains(pg.getSqlState())
        ? prepare(connection, sql, params.types()).recover(typed -> Future.failedFuture(failure))
        : Future.failedFuture(failure));
  }

  /**
   * Parse and Describe of the unnamed statement, which the next Parse replaces: nothing is left to close.
   * Vert.x internals (PrepareStatementCommand): the public {@code prepare} names the statement and caches it,
   * and needs no parameter types, so it cannot describe what the server infers for the types given.
   */
  private static Future<List<ColumnDescriptor>> prepare(SqlConnection connection, String sql, List<Class<?>> types) {
    Promise<PreparedStatement> prepared = Promise.promise();
    ((SqlConnectionInternal) connection).unwrap().schedule(new PrepareStatementCommand(sql, null, false, types), prepared);
    return prepared.future().map(statement -> statement.rowDesc() == null ? List.of() : statement.rowDesc().columnDescriptor());
  }

  /** A plan for a statement that reads ({@link Kind#READ}); for tests. */
  static Plan plan(String sql, List<ColumnDescriptor> columns, boolean inline) {
    return plan(sql, columns, Kind.READ, inline);
  }

  /** @param inline whether the server takes {@code NOT MATERIALIZED} (PostgreSQL 12 and later) */
  static Plan plan(String sql, List<ColumnDescriptor> columns, Kind kind, boolean inline) {
    int[] arrays = positions(columns, PgArrayColumns::array);
    int[] texts = positions(columns, PgArrayColumns::readAsText);
    if (arrays.length == 0 && texts.length == 0) {
      return new Plan(null, arrays, texts, columns, kind, null);
    }
    List<String> names = columns.stream().map(c -> c.name() == null ? "?column?" : c.name()).toList();
    String statement = SqlScript.statements(sql, SqlSyntax.POSTGRESQL).get(0);
    String result = inline ? "dbgw_result AS NOT MATERIALIZED (\n" : "dbgw_result AS (\n";
    // A WITH that writes: its query joins the list as the last part (the others may write only at the top level).
    int query = kind == Kind.WRITE && firstWord(statement).equals("WITH") ? queryStart(statement) : -1;
    StringBuilder wrapped = query > 0
        ? new StringBuilder(statement.substring(0, query).stripTrailing()).append(",\n").append(result)
            .append(statement.substring(query))
        : new StringBuilder("WITH ").append(result).append(statement);
    wrapped.append("\n) SELECT ");
    for (int i = 0; i < names.size(); i++) {
      String c = "dbgw_c" + (i + 1);
      wrapped.append(i == 0 ? "" : ", ")
          .append(array(columns.get(i)) ? "CASE WHEN " + multiDimensional(c) + " THEN NULL ELSE " + c + " END"
              : readAsText(columns.get(i)) ? "CAST(" + c + " AS pg_catalog.text)" : c)
          .append(" AS ").append(quoted(names.get(i)));
    }
    for (int i : arrays) {
      String c = "dbgw_c" + (i + 1);
      wrapped.append(", CASE WHEN ").append(multiDimensional(c)).append(" THEN ARRAY(SELECT e.v FROM pg_catalog.unnest(")
          .append(c).append(") WITH ORDINALITY AS e(v, n) ORDER BY e.n) END AS \"" + FLAT).append(i + 1)
          .append("\", CASE WHEN ").append(multiDimensional(c))
          .append(" THEN pg_catalog.array_dims(").append(c).append(") END AS \"" + DIMENSIONS).append(i + 1).append('"');
    }
    // Whether a value of a type the driver does not know may be an array (a domain over one too; anyarray, a
    // pseudo-type, in pg_stats): its text is read here, and stays text if it is not an array's.
    for (int i : texts) {
      String c = "dbgw_c" + (i + 1);
      wrapped.append(", (SELECT t.typcategory IN ('A', 'P') FROM pg_catalog.pg_type t WHERE t.oid = pg_catalog.pg_typeof(")
          .append(c).append(")) AS \"" + IS_ARRAY).append(i + 1).append('"');
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
    return new Plan(wrapped.append(')').toString(), arrays, texts, columns, kind, null);
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
      return plan.ownDescriptors(result.columnDescriptors());
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
