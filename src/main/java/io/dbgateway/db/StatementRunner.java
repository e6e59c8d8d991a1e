package io.dbgateway.db;

import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.Column;
import io.dbgateway.api.Limits;
import io.dbgateway.api.ParamType;
import io.dbgateway.api.ParamTypes;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.QueryResult;
import io.dbgateway.api.ResultFormat;
import io.dbgateway.api.Statement;
import io.dbgateway.api.TransactionRequest;
import io.dbgateway.driver.Dialect;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.node.NodeDatabase;
import io.dbgateway.resilience.RetrySafety.NotSentException;
import io.dbgateway.resilience.RetrySafety.OutcomeUnknownException;
import io.dbgateway.sql.ParsedStatement;
import io.dbgateway.sql.PlaceholderRewriter;
import io.dbgateway.sql.SessionEffects;
import io.dbgateway.sql.SqlScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The work of each operation on a connection it is given: statements prepared (placeholders rewritten,
 * values bound) when the work is made, so a bad request fails before any connection is taken; run, and
 * answered as the operation's JSON. One-shot units and interactive transactions both run it.
 */
public final class StatementRunner {

  /**
   * The work of an operation, given its connection and the database on a node it runs on.
   *
   * @param changesSession whether its SQL may leave state on the session ({@link SessionEffects}), so the
   *     connection's session is reset before it is lent again
   * @param commitsImplicitly whether its SQL ends a transaction by itself ({@link Dialect#commitsImplicitly})
   */
  public record Work(boolean changesSession, boolean commitsImplicitly,
      BiFunction<SqlConnection, NodeDatabase, Future<JsonObject>> run) {
    public Future<JsonObject> apply(SqlConnection conn, NodeDatabase nodeDb) {
      return run.apply(conn, nodeDb);
    }
  }

  private final Dialect dialect;
  private final long maxResultBytes;

  /** @param maxResultBytes the most bytes of row values one buffered answer may hold ({@code GATEWAY_QUERY_MAX_RESULT_BYTES}) */
  public StatementRunner(Dialect dialect, long maxResultBytes) {
    this.dialect = dialect;
    this.maxResultBytes = maxResultBytes;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Work query(QueryRequest request) {
    Prepared statement = prepare(request.statement(), null);
    Limits limits = request.limits();
    long start = System.nanoTime();
    return new Work(statement.changesSession(), dialect.commitsImplicitly(statement.sql()), (conn, nodeDb) -> run(conn, nodeDb, statement, limits, request.columnMetadata(),
            new RowCollector.Budget(maxResultBytes))
        .map(result -> result.withElapsedMs(elapsedMs(start)).toJson()));
  }

  /**
   * One statement per parameter set. The executions are issued together, so drivers that pipeline
   * (PostgreSQL) send them in one go; they still run in order.
   */
  public Work batch(BatchRequest request) {
    Analysis analysis = analyse(request.sql(), request.paramTypes());
    ParsedStatement parsed = oneStatement(analysis.parsed(), "a batch");
    List<Tuple> tuples = new ArrayList<>();
    for (int i = 0; i < request.paramSets().size(); i++) {
      tuples.add(bind(parsed, request.paramSets().get(i), request.paramTypes(), i));
    }
    long timeoutMs = request.limits().timeoutMs();
    long start = System.nanoTime();
    return new Work(analysis.changesSession(), dialect.commitsImplicitly(parsed.sql()), (conn, nodeDb) -> {
      List<Future<SqlResult<RowCollector.Rows>>> executions = new ArrayList<>();
      for (Tuple tuple : tuples) {
        executions.add(dialect.execute(conn, parsed.sql(), tuple, timeoutMs, RowCollector.atMost(0, new RowCollector.Budget(0), () -> {})));
      }
      return Future.join(executions).transform(done -> batchResult(executions))
          .map(json -> json.put("node", nodeDb.node()).put("elapsedMs", elapsedMs(start)));
    });
  }

  /** The statements one after the other; the first failure stops them and names its index. */
  public Work transaction(TransactionRequest request) {
    List<Prepared> statements = new ArrayList<>();
    for (int i = 0; i < request.statements().size(); i++) {
      statements.add(prepare(request.statements().get(i), i));
    }
    Limits limits = request.limits();
    long start = System.nanoTime();
    boolean changesSession = statements.stream().anyMatch(Prepared::changesSession);
    boolean commitsImplicitly = statements.stream().anyMatch(s -> dialect.commitsImplicitly(s.sql()));
    return new Work(changesSession, commitsImplicitly, (conn, nodeDb) -> {
      JsonArray results = new JsonArray();
      RowCollector.Budget budget = new RowCollector.Budget(maxResultBytes); // the results are one answer
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < statements.size(); i++) {
        int index = i;
        chain = chain.compose(v -> run(conn, nodeDb, statements.get(index), limits, false, budget)
            .recover(failure -> Future.failedFuture(atStatement(failure, index)))
            .map(result -> {
              results.add(result.toJson());
              return null;
            }));
      }
      return chain.map(v -> new JsonObject().put("results", results).put("node", nodeDb.node())
          .put("elapsedMs", elapsedMs(start)));
    });
  }

  /**
   * {@code work}, its unqualified names first put in {@code schema} of {@code database} where the engine
   * needs a step for it ({@link Dialect#useSchema}); the session then counts as changed.
   *
   * @param schema the schema the request names, or null
   * @throws GatewayException 400 when the engine cannot honour the schema, before any connection is taken
   */
  public Work inSchema(Work work, String schema, String database) {
    java.util.function.Function<SqlConnection, Future<Void>> use = useSchema(schema, database);
    return use == null ? work
        : new Work(true, work.commitsImplicitly(), (conn, nodeDb) -> use.apply(conn).compose(set -> work.apply(conn, nodeDb)));
  }

  /** The step that puts a unit's names in {@code schema} (null: none is named), or null when none is needed. */
  public java.util.function.Function<SqlConnection, Future<Void>> useSchema(String schema, String database) {
    return schema == null ? null : dialect.useSchema(schema, database);
  }

  /**
   * {@code failure} as the one error type. A commit whose outcome is unknown is a 503 that says so: only
   * an idempotency key can tell afterwards whether it committed.
   */
  public <T> Future<T> fail(Throwable failure) {
    return Future.failedFuture(failure instanceof GatewayException ? failure : new GatewayException(problem(failure), failure));
  }

  /** What {@code failure} means to the client, as {@link #fail} reports it. */
  public Problem problem(Throwable failure) {
    if (failure instanceof GatewayException gateway) {
      return gateway.problem();
    }
    Throwable cause = failure instanceof NotSentException || failure instanceof OutcomeUnknownException
        ? failure.getCause() : failure;
    Problem problem = dialect.classify(cause);
    if (failure instanceof OutcomeUnknownException) {
      problem = Failures.outcomeUnknown(problem, "the connection to the database was lost while the work was"
          + " committing, so whether it committed is unknown; send it again with the same Idempotency-Key to"
          + " learn the outcome without applying it twice");
    } else if (failure instanceof NotSentException && problem.code() != ErrorCode.UNAVAILABLE) {
      problem = Failures.unavailable("no database connection available: " + cause.getMessage());
    }
    return problem;
  }

  private GatewayException tooLargeToBuffer() {
    return new GatewayException(Problem.of(ErrorCode.TOO_LARGE, "the answer holds more than " + maxResultBytes
        + " bytes of values (GATEWAY_QUERY_MAX_RESULT_BYTES), too many to buffer: stream it with"
        + " Accept: application/x-ndjson, or ask for fewer rows (maxRows) or columns"));
  }

  /**
   * A statement in the driver's placeholder style, with its values bound, and whether it may change the
   * session; or a script: several statements without parameters ({@code script} holds them, else it is
   * empty).
   */
  public record Prepared(String sql, Tuple params, boolean changesSession, List<String> script) {
    /** The statement whose result is the answer: the script's last, or the one statement. */
    String answering() {
      return script.isEmpty() ? sql : script.get(script.size() - 1);
    }
  }

  /** Rewrites the placeholders and binds the values; a bad value fails here, naming {@code index}. */
  public Prepared prepare(Statement statement, Integer index) {
    Analysis analysis = analyse(statement.sql(), statement.paramTypes());
    ParsedStatement parsed = analysis.parsed();
    List<String> script = script(parsed.sql());
    if (!script.isEmpty() && parsed.placeholderCount() > 0) {
      throw new GatewayException(Problem.of(ErrorCode.BAD_REQUEST, "the SQL holds " + script.size()
          + " statements and parameters: only a script without parameters may hold several statements;"
          + " send each statement with its parameters separately, or together as a transaction")
          .withStatementIndex(index));
    }
    return new Prepared(parsed.sql(), bind(parsed, statement.params(), statement.paramTypes(), index),
        analysis.changesSession(), script);
  }

  /** Refuses SQL that holds more than one statement where only one can run (a batch, a stream). */
  ParsedStatement oneStatement(ParsedStatement parsed, String operation) {
    List<String> script = script(parsed.sql());
    if (!script.isEmpty()) {
      throw severalStatements(script.size(), operation);
    }
    return parsed;
  }

  /**
   * The statements of {@code sql} when it holds more than one, else none. SQL without a {@code ;} is one
   * statement, and is not read further: the common case costs a scan for one character.
   */
  private List<String> script(String sql) {
    if (sql.indexOf(';') < 0) {
      return List.of();
    }
    List<String> statements = SqlScript.statements(sql, dialect.syntax());
    return statements.size() > 1 ? statements : List.of();
  }

  public static GatewayException severalStatements(int count, String operation) {
    return new GatewayException(Problem.of(ErrorCode.BAD_REQUEST, "the SQL holds " + count + " statements: "
        + operation + " runs one statement; send a script (several statements, no parameters) as a query"));
  }

  /** The statements whose row count means rows written (or selected into a table); DDL and the rest count none. */
  private static final java.util.Set<String> ROW_COUNTING = java.util.Set.of(
      "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "WITH", "COPY", "SELECT", "VALUES", "TABLE", "CALL", "LOAD");

  /**
   * Whether the driver's row count of {@code sql} is a count of rows: PostgreSQL's count for a
   * {@code CREATE TABLE} or {@code CREATE SCHEMA} is not (vertx-pg-client reads a number where the
   * command tag has none), so a statement that affects no rows reports 0.
   */
  boolean countsRows(String sql) {
    List<List<String>> words = io.dbgateway.sql.SqlWords.leadingWords(sql, dialect.syntax(), 1);
    return !words.isEmpty() && ROW_COUNTING.contains(words.get(0).get(0));
  }

  /** The writes whose rows a {@code RETURNING} clause (PostgreSQL, SQLite, MariaDB) answers. */
  private static final java.util.Set<String> WRITES = java.util.Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE");

  /**
   * Whether {@code sql}, which answered columns, is a write returning its rows, so its row count is of rows
   * written. Most such statements are reads: one that starts with none of the writes' first letters (nor
   * a comment) is told apart without reading its words.
   */
  boolean returnsWrittenRows(String sql) {
    int i = 0;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (i == sql.length() || "IUDMRiudmr/-#".indexOf(sql.charAt(i)) < 0) {
      return false;
    }
    List<List<String>> words = io.dbgateway.sql.SqlWords.leadingWords(sql, dialect.syntax(), 1);
    return !words.isEmpty() && WRITES.contains(words.get(0).get(0));
  }

  /** Whether {@code sql} may leave state on its session for the connection's next caller. */
  boolean changesSession(String sql) {
    return SessionEffects.mayChangeSession(sql, dialect.syntax());
  }

  /** A SQL text rewritten for the driver, and whether it may change its session. */
  private record Analysis(ParsedStatement parsed, boolean changesSession) {}

  /** The most SQL texts whose analysis is kept, and the longest text kept. */
  private static final int ANALYSES_KEPT = 1024;
  private static final int LONGEST_TEXT_KEPT = 4096;

  /**
   * Analyses by SQL text, for texts sent without declared types: an application sends the same few texts
   * again and again, and rewriting and reading each one cost every request two scans of its text. Once
   * full, texts not yet seen are analysed on each request, as before.
   */
  private final Map<String, Analysis> analyses = new ConcurrentHashMap<>();

  private Analysis analyse(String sql, ParamTypes types) {
    boolean keep = types.isEmpty() && sql.length() <= LONGEST_TEXT_KEPT;
    Analysis known = keep ? analyses.get(sql) : null;
    if (known != null) {
      return known;
    }
    ParsedStatement parsed = parse(sql, types);
    Analysis made = new Analysis(parsed, changesSession(parsed.sql()));
    if (keep && analyses.size() < ANALYSES_KEPT) {
      analyses.put(sql, made);
    }
    return made;
  }

  /** The statement rewritten for the driver, with the dialect's cast after each placeholder of a declared type. */
  private ParsedStatement parse(String sql, ParamTypes types) {
    if (types.isEmpty()) {
      return PlaceholderRewriter.parse(sql, dialect.syntax());
    }
    return PlaceholderRewriter.parse(sql, dialect.syntax(), (name, position) -> {
      ParamType type = types.of(name, position);
      return type == null ? "" : dialect.cast(type);
    });
  }

  private Tuple bind(ParsedStatement parsed, Object params, ParamTypes types, Integer index) {
    try {
      List<Object> values = parsed.bind(params);
      if (!types.isEmpty()) {
        List<String> slots = parsed.slots();
        List<Object> typed = new ArrayList<>(values);
        for (int i = 0; i < typed.size(); i++) {
          ParamType type = types.of(slots.get(i), i);
          if (type != null) {
            String name = slots.get(i);
            String parameter = ParsedStatement.POSITIONAL.equals(name) ? "parameter " + (i + 1) : "parameter :" + name;
            typed.set(i, dialect.typed(typed.get(i), type, parameter));
          }
        }
        values = typed;
      }
      return dialect.tuple(values);
    } catch (GatewayException e) {
      throw new GatewayException(e.problem().withStatementIndex(index));
    }
  }

  private Future<QueryResult> run(SqlConnection conn, NodeDatabase nodeDb, Prepared statement, Limits limits,
      boolean columnMetadata, RowCollector.Budget budget) {
    var rows = RowCollector.atMost(limits.maxRows(), budget, () -> dialect.cancel(conn));
    Future<SqlResult<RowCollector.Rows>> execution = statement.script().isEmpty()
        ? dialect.execute(conn, statement.sql(), statement.params(), limits.timeoutMs(), rows)
        : dialect.executeScript(conn, statement.sql(), statement.script(), limits.timeoutMs(), rows);
    return execution
        // Past the budget the statement was cancelled: whatever it ended with, the answer was too large.
        .recover(failure -> Future.failedFuture(budget.exceeded() ? tooLargeToBuffer() : failure))
        .compose(result -> {
          if (result.value().overBudget()) {
            return Future.failedFuture(tooLargeToBuffer());
          }
          List<ColumnDescriptor> columns = result.columnDescriptors() == null ? List.of() : result.columnDescriptors();
          return dialect.describe(nodeDb.database(), statement.answering(), columns)
              .map(described -> toResult(result, described, limits.format(), nodeDb.node(), columnMetadata,
                  statement.answering()));
        });
  }

  private QueryResult toResult(SqlResult<RowCollector.Rows> result, List<ColumnDescriptor> descriptors,
      ResultFormat format, String node, boolean columnMetadata, String sql) {
    RowCollector.Rows rows = result.value();
    List<Object> jsonRows = new ArrayList<>(rows.kept().size());
    for (Row row : rows.kept()) {
      jsonRows.add(row(row, descriptors, format));
    }
    // A statement with columns updated rows only if it is a write that returns them (RETURNING), one row
    // for each row written: MySQL's and SQLite's drivers give no count then, so the rows answered are it. A
    // SELECT's count is of the rows it read. Reading the first word is left to the statements that need it.
    long updated = descriptors.isEmpty() ? (countsRows(sql) ? result.rowCount() : 0)
        : returnsWrittenRows(sql) ? rows.seen() : 0;
    return new QueryResult(columns(descriptors, columnMetadata), jsonRows, updated, dialect.generatedKeys(result),
        rows.truncated(), node, 0);
  }

  /** A result's columns, named and typed in the one vocabulary (JDBC type names). */
  public List<Column> columns(List<ColumnDescriptor> descriptors, boolean columnMetadata) {
    List<Column> columns = new ArrayList<>(descriptors.size());
    for (ColumnDescriptor d : descriptors) {
      columns.add(new Column(d.name(), dialect.columnType(d), columnMetadata ? dialect.columnMetadata(d) : null));
    }
    return columns;
  }

  /** One row as JSON: an object by column name, or an array in column order. */
  Object row(Row row, List<ColumnDescriptor> columns, ResultFormat format) {
    return format == ResultFormat.ARRAYS ? asArray(row, columns) : asObject(row, columns);
  }

  /**
   * Writes rows of {@code columns} as JSON straight to a generator, as {@link #row} would make them,
   * without building each row's JsonObject first: the path of streamed rows.
   */
  public RowWriter rowWriter(List<ColumnDescriptor> columns, ResultFormat format) {
    return new RowWriter(columns, format);
  }

  /** Writes the rows of one result: its column names quoted once, not per row. */
  public final class RowWriter {
    private final List<ColumnDescriptor> columns;
    private final com.fasterxml.jackson.core.io.SerializedString[] names;
    private final boolean arrays;

    private RowWriter(List<ColumnDescriptor> columns, ResultFormat format) {
      this.columns = List.copyOf(columns);
      this.arrays = format == ResultFormat.ARRAYS;
      this.names = new com.fasterxml.jackson.core.io.SerializedString[columns.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = new com.fasterxml.jackson.core.io.SerializedString(columns.get(i).name());
      }
    }

    /** One row, as an object by column name or an array in column order. */
    public void write(Row row, JsonGenerator out) throws java.io.IOException {
      if (arrays) {
        out.writeStartArray();
      } else {
        out.writeStartObject();
      }
      for (int i = 0; i < names.length; i++) {
        if (!arrays) {
          out.writeFieldName(names[i]);
        }
        writeValue(dialect.toJson(row.getValue(i), columns.get(i)), out);
      }
      if (arrays) {
        out.writeEndArray();
      } else {
        out.writeEndObject();
      }
    }
  }

  /**
   * One JSON value as the contract's type table made it: the common kinds written straight, the rest
   * (objects, arrays) by Vert.x's codec, whose type dispatch cost a tenth of a streamed row's CPU.
   */
  private static void writeValue(Object value, JsonGenerator out) throws java.io.IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof String text) {
      out.writeString(text);
    } else if (value instanceof Integer number) {
      out.writeNumber(number);
    } else if (value instanceof Long number) {
      out.writeNumber(number);
    } else if (value instanceof Boolean bool) {
      out.writeBoolean(bool);
    } else if (value instanceof Double number) {
      out.writeNumber(number);
    } else {
      JacksonCodec.encodeJson(value, out);
    }
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

  private Throwable atStatement(Throwable failure, int index) {
    return new GatewayException(dialect.classify(failure).withStatementIndex(index), failure);
  }

  public static double elapsedMs(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
  }
}
