package io.dbgateway.driver.sqlite;

import io.dbgateway.error.Causes;
import io.dbgateway.api.ColumnMetadata;
import io.dbgateway.api.ParamType;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.JsonValues;
import io.dbgateway.driver.RowCursor;
import io.dbgateway.driver.TypedValues;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.Problem;
import io.dbgateway.node.LanedPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.jdbcclient.impl.ConnectionImpl;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collector;
import org.sqlite.SQLiteConnection;

/**
 * SQLite through the JDBC client. SQLite stores few types, so the declared column type decides how a
 * value becomes JSON, and a timeout interrupts the statement inside SQLite ({@code sqlite3_interrupt}).
 */
public final class SqliteDialect implements Dialect {

  static final int SQLITE_READONLY = 8;
  static final int SQLITE_INTERRUPT = 9;
  static final int SQLITE_CONSTRAINT = 19;

  private final Vertx vertx;

  public SqliteDialect(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Driver driver() {
    return SqliteDriver.INSTANCE;
  }

  @Override
  public String beginTransaction(boolean readOnly) {
    // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on lock upgrade.
    return readOnly ? "BEGIN" : "BEGIN IMMEDIATE";
  }

  /**
   * Also: ATTACH and DETACH (other database files), PRAGMA (connection settings such as query_only)
   * and VACUUM (VACUUM INTO writes a new file even on a read-only connection).
   */
  @Override
  public java.util.Set<String> readOnlyRefused() {
    return Dialect.union(TRANSACTION_AND_SESSION, "ATTACH", "DETACH", "PRAGMA", "VACUUM");
  }

  @Override
  public <R> Future<SqlResult<R>> execute(
      SqlConnection connection, String sql, Tuple params, long timeoutMs, Collector<Row, ?, R> rows) {
    return interruptAfter(connection, timeoutMs, connection.preparedQuery(sql).collecting(rows).execute(params));
  }

  /**
   * The JDBC client reads a whole result at once, so the stream steps a JDBC result set itself, on a
   * worker thread, a chunk per read; SQLite computes rows as they are stepped. Each read is interrupted
   * once it has run for {@code timeoutMs}.
   */
  @Override
  public Future<RowCursor> openCursor(SqlConnection connection, String sql, Tuple params, long timeoutMs) {
    RowCursor results = new JdbcCursor(vertx, jdbcConnection(connection), sql, params);
    return Future.succeededFuture(new RowCursor() {
      @Override
      public Future<Chunk> read(int count) {
        return interruptAfter(connection, timeoutMs, results.read(count));
      }

      @Override
      public Future<Void> close() {
        return results.close();
      }
    });
  }

  private <T> Future<T> interruptAfter(SqlConnection connection, long timeoutMs, Future<T> work) {
    java.sql.Connection jdbc = jdbcConnection(connection);
    long timer = vertx.setTimer(timeoutMs, id -> interrupt(jdbc));
    return work.andThen(done -> vertx.cancelTimer(timer));
  }

  /** A database is one file, whose one schema is {@code main}, or the database's own name. */
  @Override
  public java.util.function.Function<SqlConnection, Future<Void>> useSchema(String schema, String database) {
    if (!schema.equals("main") && !schema.equals(database)) {
      throw io.dbgateway.error.GatewayException.badRequest("on SQLite a database is one file with one schema: schema '"
          + schema + "' is neither main nor the database this request runs on ('" + database + "')");
    }
    return null;
  }

  /** SQLITE_CANTOPEN: the file of another database is never made, so a missing one cannot be opened. */
  private static final int SQLITE_CANTOPEN = 14;

  @Override
  public boolean isUnknownDatabase(Throwable failure) {
    SQLException sql = Causes.find(failure, SQLException.class);
    return sql != null && (sql.getErrorCode() & 0xff) == SQLITE_CANTOPEN;
  }

  /**
   * A SQLite session keeps temporary objects, attached files and PRAGMAs, which no one statement resets:
   * the connection is closed instead, and the next one opens as configured.
   */
  @Override
  public LanedPool.SessionReset sessionReset() {
    return LanedPool.SessionReset.REOPEN;
  }

  @Override
  public Future<Void> cancel(SqlConnection connection) {
    interrupt(jdbcConnection(connection));
    return Future.succeededFuture();
  }

  /**
   * The JDBC connection under a pooled one; the pool wraps the driver's connection once more. Vert.x
   * internals (SqlConnectionInternal, jdbcclient ConnectionImpl): the public API gives no JDBC connection,
   * which SQLite's interrupt and cursors need.
   */
  private static java.sql.Connection jdbcConnection(SqlConnection connection) {
    io.vertx.sqlclient.internal.Connection inner = ((SqlConnectionInternal) connection).unwrap();
    while (!(inner instanceof ConnectionImpl) && inner.unwrap() != inner) {
      inner = inner.unwrap();
    }
    return ((ConnectionImpl) inner).getJDBCConnection();
  }

  private static void interrupt(java.sql.Connection jdbc) {
    try {
      jdbc.unwrap(SQLiteConnection.class).getDatabase().interrupt();
    } catch (SQLException e) {
      // The connection closed meanwhile: nothing left to interrupt.
    }
  }

  /**
   * The JDBC type name for a column's declared type, by SQLite's own affinity rules made finer. A
   * decimal declared with TEXT affinity (such as {@code DECIMAL_TEXT(30,10)}) is a {@code DECIMAL}
   * stored exactly; NUMERIC affinity keeps only 15 to 17 significant digits.
   */
  @Override
  public String columnType(ColumnDescriptor column) {
    String declared = declared(column);
    if (declared.contains("BOOL")) return "BOOLEAN";
    if (declared.contains("BIGINT")) return "BIGINT";
    if (declared.contains("SMALLINT")) return "SMALLINT";
    if (declared.contains("TINYINT")) return "TINYINT";
    if (declared.contains("INT")) return "INTEGER";
    if (declared.contains("DEC") || declared.contains("NUMERIC")) return "DECIMAL";
    if (declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB")) return "DOUBLE";
    if (declared.contains("TIMESTAMPTZ") || declared.contains("WITH TIME ZONE")) return "TIMESTAMP_WITH_TIMEZONE";
    if (declared.contains("TIMESTAMP") || declared.contains("DATETIME")) return "TIMESTAMP";
    if (declared.contains("DATE")) return "DATE";
    if (declared.contains("TIME")) return "TIME";
    if (declared.contains("BLOB") || declared.contains("BINARY") || declared.contains("BYTEA")) return "BLOB";
    if (declared.contains("JSON") || declared.contains("UUID")) return "OTHER";
    if (declared.contains("CHAR") || declared.contains("TEXT") || declared.contains("CLOB")) return "VARCHAR";
    if (declared.isEmpty()) return Dialect.super.columnType(column);
    return "OTHER";
  }

  /**
   * A decimal as a plain string. The driver reads a REAL as {@code BigDecimal.valueOf(double)}
   * ({@code -1.0E-10}, whose plain form has a stray trailing zero); text keeps its own digits and scale.
   */
  private static String decimal(BigDecimal value) {
    double d = value.doubleValue();
    if (Double.isFinite(d)) {
      BigDecimal fromDouble = new BigDecimal(Double.toString(d));
      if (fromDouble.equals(value)) {
        return JsonValues.decimal(d);
      }
    }
    return value.toPlainString();
  }

  private static String declared(ColumnDescriptor column) {
    return column.typeName() == null ? "" : column.typeName().toUpperCase(Locale.ROOT);
  }

  @Override
  public Object toJson(Object value, ColumnDescriptor column) {
    if (value == null) {
      return null;
    }
    switch (columnType(column)) {
      case "BOOLEAN":
        return value instanceof Number n ? n.longValue() != 0 : JsonValues.toJson(value);
      case "DECIMAL":
        if (value instanceof Double || value instanceof Float) {
          return JsonValues.decimal(((Number) value).doubleValue());
        }
        return value instanceof BigDecimal d ? decimal(d) : value.toString();
      case "TIMESTAMP_WITH_TIMEZONE":
        return value instanceof String s ? utcOrAsIs(s) : JsonValues.toJson(value);
      case "TIMESTAMP":
        return value instanceof String s ? localOrAsIs(s) : JsonValues.toJson(value);
      default:
        if (declared(column).contains("JSON") && value instanceof String text) {
          try {
            return Json.decodeValue(text);
          } catch (DecodeException e) {
            return text;
          }
        }
        return JsonValues.toJson(value);
    }
  }

  /**
   * Text in a column declared with a time zone, in UTC with {@code Z}. Text without an offset is UTC
   * already: that is what SQLite's own {@code CURRENT_TIMESTAMP} and {@code datetime()} write.
   */
  private static Object utcOrAsIs(String text) {
    String iso = text.trim().replace(' ', 'T');
    try {
      return JsonValues.utc(OffsetDateTime.parse(iso));
    } catch (DateTimeParseException e) {
      try {
        return JsonValues.utc(LocalDateTime.parse(iso).atOffset(java.time.ZoneOffset.UTC));
      } catch (DateTimeParseException notLocal) {
        return text;
      }
    }
  }

  private static Object localOrAsIs(String text) {
    try {
      return JsonValues.toJson(LocalDateTime.parse(text.trim().replace(' ', 'T')));
    } catch (DateTimeParseException e) {
      return text;
    }
  }

  /** Text SQLite's date functions read; bytes as {@code byte[]}, which the JDBC driver binds as a BLOB. */
  @Override
  public Object typed(Object value, ParamType type, String parameter) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case TIMESTAMP -> sqlTimestamp(TypedValues.timestamp(value, parameter));
      case DATE, TIME -> JsonValues.toJson(TypedValues.toJava(value, type, parameter));
      case BINARY -> TypedValues.bytes(value, parameter);
      default -> TypedValues.toJava(value, type, parameter);
    };
  }

  private static final java.time.format.DateTimeFormatter SQL_TIMESTAMP =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private static String sqlTimestamp(LocalDateTime t) {
    String text = SQL_TIMESTAMP.format(t);
    if (t.getNano() != 0) {
      text += "." + String.format("%09d", t.getNano()).replaceFirst("0+$", "");
    }
    return text;
  }

  private static final java.util.regex.Pattern DECLARED_SIZE =
      java.util.regex.Pattern.compile("\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  /**
   * The declared type names the type; its {@code (precision, scale)}, if declared, are reported. SQLite
   * does not enforce them, and the JDBC client does not pass on nullability: it is unknown.
   */
  @Override
  public ColumnMetadata columnMetadata(ColumnDescriptor column) {
    String declared = column.typeName() == null ? "" : column.typeName();
    java.util.regex.Matcher size = DECLARED_SIZE.matcher(declared);
    boolean sized = size.find();
    int precision = sized ? Integer.parseInt(size.group(1)) : 0;
    int scale = sized && size.group(2) != null ? Integer.parseInt(size.group(2)) : 0;
    return TypedValues.fromJdbcType(declared, columnType(column), precision, scale);
  }

  @Override
  public List<Object> generatedKeys(SqlResult<?> result) {
    List<Object> keys = new ArrayList<>();
    Row generated = result.property(JDBCPool.GENERATED_KEYS);
    boolean write = result.columnDescriptors() == null || result.columnDescriptors().isEmpty();
    if (generated != null && result.rowCount() > 0 && write) {
      keys.add(JsonValues.toJson(generated.getValue(0)));
    }
    return keys;
  }

  @Override
  public Problem classify(Throwable failure) {
    SQLException sql = Causes.find(failure, SQLException.class);
    if (sql != null) {
      int primary = sql.getErrorCode() & 0xff;
      String message = sql.getMessage();
      return switch (primary) {
        case SQLITE_INTERRUPT -> Failures.statementTimeout(
            "the statement ran past its timeout and was interrupted inside SQLite", null, sql.getErrorCode());
        case SQLITE_CONSTRAINT -> new Problem(ErrorCode.CONFLICT, message, "23000", sql.getErrorCode(), null, false, null);
        case SqliteErrors.BUSY -> new Problem(ErrorCode.CONFLICT, message, "40001", sql.getErrorCode(), null, true, null);
        case SQLITE_READONLY -> new Problem(ErrorCode.SQL_ERROR, message, "25006", sql.getErrorCode(), null, false, null);
        default -> new Problem(ErrorCode.SQL_ERROR, message, sql.getSQLState(), sql.getErrorCode(), null, false, null);
      };
    }
    Problem transport = Failures.transport(failure);
    return transport != null ? transport : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
  }
}
