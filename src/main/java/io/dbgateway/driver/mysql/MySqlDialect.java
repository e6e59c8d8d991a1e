package io.dbgateway.driver.mysql;

import io.dbgateway.error.Causes;
import io.dbgateway.api.ColumnMetadata;
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
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.mysqlclient.impl.datatype.DataType;
import io.vertx.mysqlclient.impl.protocol.ColumnDefinition;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collector;

/**
 * MySQL 8 and MariaDB (Galera included) through vertx-mysql-client. Sessions run in UTC, so
 * {@code TIMESTAMP} values are instants and travel with {@code Z}.
 *
 * <p>Statement timeouts differ: MariaDB's {@code SET STATEMENT max_statement_time=... FOR} covers
 * every statement in the same round trip; MySQL 8's {@code max_execution_time} covers SELECT only.
 *
 * <p>It reads the client's internal column definitions ({@code ColumnDefinition}, {@code DataType}): the
 * public {@code ColumnDescriptor} has no native type, which tells a {@code TIMESTAMP} from a {@code DATETIME}
 * and which columns the type probe must look at ({@link MySqlColumnTypes}).
 */
public final class MySqlDialect implements Dialect {

  static final int ER_STATEMENT_TIMEOUT = 1969;
  static final int ER_QUERY_TIMEOUT_MYSQL = 3024;
  static final int ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION = 1792;
  static final int ER_NO_OPEN_CURSOR = 1421;

  private final boolean mariaDb;
  private final boolean galera;
  private final MySqlColumnTypes columnTypes;

  /**
   * @param columnTypes describes results where the native protocol loses the type (TINYINT(1), JSON);
   *     null leaves the native types
   */
  public MySqlDialect(boolean mariaDb, boolean galera, MySqlColumnTypes columnTypes) {
    this.mariaDb = mariaDb;
    this.galera = galera;
    this.columnTypes = columnTypes;
  }

  /** On Galera, {@code wsrep_sync_wait=1} makes a read wait until this node applied every earlier write. */
  @Override
  public String syncWaitPrefix() {
    return galera ? "SET STATEMENT wsrep_sync_wait=1 FOR " : "";
  }

  @Override
  public Future<List<ColumnDescriptor>> describe(String database, String sql, List<ColumnDescriptor> columns) {
    return columnTypes == null ? Future.succeededFuture(columns) : columnTypes.describe(database, sql, columns);
  }

  /** A schema is a database here: only the unit's own database can be named. */
  @Override
  public java.util.function.Function<SqlConnection, Future<Void>> useSchema(String schema, String database) {
    if (!schema.equals(database)) {
      throw GatewayException.badRequest("on MySQL and MariaDB a schema is a database: schema '" + schema + "' is not"
          + " the database this request runs on ('" + database + "'); name it as the database instead (DB_NAME or"
          + " one of GATEWAY_DATABASES)");
    }
    return null;
  }

  /** ER_BAD_DB_ERROR: "Unknown database". */
  private static final int ER_BAD_DB_ERROR = 1049;

  @Override
  public boolean isUnknownDatabase(Throwable failure) {
    MySQLException my = Causes.find(failure, MySQLException.class);
    return my != null && my.getErrorCode() == ER_BAD_DB_ERROR;
  }

  /** The statements every new connection runs first. */
  public static String sessionSetup() {
    return "SET time_zone = '+00:00'";
  }

  /**
   * {@code COM_RESET_CONNECTION}: the server rolls back, drops temporary tables, releases table and named
   * locks, forgets user variables and prepared statements (the driver forgets its own with them), and
   * takes session variables back to the global defaults; then the session setup runs again.
   */
  @Override
  public LanedPool.SessionReset sessionReset() {
    if (galera) {
      // On Galera the connection is closed instead: COM_RESET_CONNECTION after work that a certification
      // conflict aborted was seen to precede an acknowledged increment going missing (GaleraFailoverTest,
      // cause not found yet), and a new connection carries nothing over whatever the server does.
      return LanedPool.SessionReset.REOPEN;
    }
    return conn -> io.vertx.mysqlclient.MySQLConnection.cast(conn).resetConnection()
        .compose(reset -> conn.query(sessionSetup()).execute())
        .mapEmpty();
  }

  /**
   * {@code KILL QUERY} from a connection of its own: the statement stops, its transaction goes on (the
   * gateway rolls it back), and the connection stays usable.
   */
  @Override
  public Future<Void> cancel(SqlConnection connection) {
    LanedPool.cancelSent(connection);
    return MySqlConnectionIds.killQuery(connection);
  }

  @Override
  public Driver driver() {
    return MySqlDriver.INSTANCE;
  }

  /**
   * A read-only transaction also makes the session read-only until it ends: DDL (and LOCK TABLES, ...)
   * commits the transaction implicitly and would then run outside it, but not in a read-only session.
   */
  @Override
  public String beginTransaction(boolean readOnly) {
    if (readOnly) {
      return "SET SESSION TRANSACTION READ ONLY; START TRANSACTION READ ONLY";
    }
    return galera ? "SET autocommit = 0; START TRANSACTION; SAVEPOINT " + COMMIT_GUARD : "START TRANSACTION";
  }

  /**
   * The savepoint a Galera transaction opens with and releases just before COMMIT. Under a mix of local
   * and replicated writes, MariaDB was seen to abort a transaction for a conflict (a brute-force abort)
   * without telling the statement after it: the statements that followed ran outside it, and COMMIT
   * answered OK with nothing of the transaction committed (GaleraFailoverTest lost acknowledged writes
   * so). The abort takes the savepoint with the transaction, so releasing it fails; and with
   * autocommit off, nothing that ran after the abort commits on its own.
   */
  static final String COMMIT_GUARD = "dbgw_commit_guard";
  static final int ER_SP_DOES_NOT_EXIST = 1305;

  /** DDL, account and table-lock statements, and the rest MySQL commits the open transaction before. */
  private static final java.util.Set<String> IMPLICIT_COMMITS = java.util.Set.of("ALTER", "CREATE", "DROP", "RENAME",
      "TRUNCATE", "GRANT", "REVOKE", "LOCK", "UNLOCK", "BEGIN", "START", "COMMIT", "ROLLBACK", "SET", "ANALYZE",
      "CHECK", "OPTIMIZE", "REPAIR", "CACHE", "LOAD", "FLUSH", "RESET", "XA", "INSTALL", "UNINSTALL", "CALL",
      "SAVEPOINT", "RELEASE");

  @Override
  public boolean commitsImplicitly(String sql) {
    // Only the Galera commit guard asks; a single server's statements are not read for it.
    return galera && io.dbgateway.sql.SqlWords.leadingWords(sql, syntax(), 1).stream()
        .anyMatch(words -> IMPLICIT_COMMITS.contains(words.get(0)));
  }

  /**
   * On Galera the guard is released first: if the cluster aborted the transaction unseen, that fails, the
   * transaction (and whatever ran after the abort) rolls back, and the answer is the deadlock the abort
   * was, safe to retry. A transaction that committed implicitly has lost its savepoint by design, so it
   * commits without the check, as on a single server.
   */
  @Override
  public Future<Void> commit(SqlConnection connection, boolean afterImplicitCommit) {
    if (!galera) {
      return Dialect.super.commit(connection, afterImplicitCommit);
    }
    String commit = (afterImplicitCommit ? "" : "RELEASE SAVEPOINT " + COMMIT_GUARD + "; ") + "COMMIT; SET autocommit = 1";
    return connection.query(commit).execute().<Void>mapEmpty().recover(failure -> {
      if (!(failure instanceof MySQLException my && my.getErrorCode() == ER_SP_DOES_NOT_EXIST)) {
        return Future.failedFuture(failure);
      }
      return connection.query(endTransaction(false, false)).execute().transform(rolledBack -> Future.failedFuture(
          new MySQLException("Deadlock: the cluster aborted the transaction for a conflict before COMMIT and"
              + " reported it late; nothing of it committed", MySqlErrors.DEADLOCK, "40001")));
    });
  }

  /**
   * The session goes back to read-write, as the next caller of the pooled connection expects, and the
   * named locks a read-only caller took ({@code GET_LOCK}, which a rollback keeps) are released in the
   * same message.
   */
  @Override
  public String endTransaction(boolean readOnly, boolean commit) {
    if (readOnly) {
      return "ROLLBACK; SET SESSION TRANSACTION READ WRITE; DO RELEASE_ALL_LOCKS()";
    }
    if (galera) {
      return (commit ? "RELEASE SAVEPOINT " + COMMIT_GUARD + "; COMMIT" : "ROLLBACK") + "; SET autocommit = 1";
    }
    return Dialect.super.endTransaction(false, commit);
  }

  /**
   * Also: XA transactions, table locks (LOCK and UNLOCK commit implicitly), USE (the next caller
   * would run in another database), CALL (a procedure may end the transaction), KILL, FLUSH, HANDLER
   * and session-level prepared statements.
   */
  @Override
  public java.util.Set<String> readOnlyRefused() {
    return Dialect.union(TRANSACTION_AND_SESSION, "XA", "LOCK", "UNLOCK", "USE", "CALL", "KILL", "FLUSH", "HANDLER",
        "PREPARE", "EXECUTE", "DEALLOCATE", "SHUTDOWN", "INSTALL", "UNINSTALL", "LOAD");
  }

  /** MariaDB and MySQL let a read-only transaction take shared row locks, which block every writer of the rows. */
  @Override
  public java.util.Set<String> readOnlyRefusedAnywhere() {
    return java.util.Set.of("LOCK IN SHARE MODE", "FOR SHARE");
  }

  @Override
  public <R> Future<SqlResult<R>> execute(
      SqlConnection connection, String sql, Tuple params, long timeoutMs, Collector<Row, ?, R> rows) {
    if (mariaDb) {
      return connection.preparedQuery(withTimeout(sql, timeoutMs)).collecting(rows).execute(params);
    }
    Future<?> timeout = connection.query("SET SESSION max_execution_time = " + timeoutMs).execute();
    Future<SqlResult<R>> result = connection.preparedQuery(sql).collecting(rows).execute(params);
    return timeout.transform(ignored -> result);
  }

  /**
   * The whole script as one multi-statement text query: the server parses it (routine bodies included),
   * runs each statement in turn (each commits on its own outside a transaction), and stops at the first
   * error. The session's statement limit bounds each statement; on MariaDB it goes back to the default
   * afterwards, as MySQL's is set before every statement anyway.
   */
  @Override
  public <R> Future<SqlResult<R>> executeScript(
      SqlConnection connection, String sql, List<String> statements, long timeoutMs, Collector<Row, ?, R> rows) {
    Future<?> set = connection.query(mariaDb
        ? String.format(Locale.ROOT, "SET SESSION max_statement_time = %.3f", timeoutMs / 1000.0)
        : "SET SESSION max_execution_time = " + timeoutMs).execute();
    Future<SqlResult<R>> result = connection.query(sql).collecting(rows).execute().map(Dialect::last);
    Future<?> restore = mariaDb ? connection.query("SET SESSION max_statement_time = DEFAULT").execute()
        : Future.succeededFuture();
    return Future.join(set, result, restore).transform(ignored -> result);
  }

  /**
   * A server-side read-only cursor ({@code COM_STMT_EXECUTE} with {@code CURSOR_TYPE_READ_ONLY}, then
   * {@code COM_STMT_FETCH n}). MySQL and MariaDB materialize the whole result in a temporary table on
   * the server when the cursor opens, so the timeout bounds that opening, where all the work happens;
   * each fetch then reads the next rows of that table.
   */
  @Override
  public Future<RowCursor> openCursor(SqlConnection connection, String sql, Tuple params, long timeoutMs) {
    Future<RowCursor> cursor = mariaDb
        ? SqlClientCursor.open(connection, withTimeout(sql, timeoutMs), params)
        : connection.query("SET SESSION max_execution_time = " + timeoutMs).execute()
            .compose(set -> SqlClientCursor.open(connection, sql, params));
    return cursor.map(opened -> new CursorOpening(opened, timeoutMs));
  }

  /**
   * When a statement fails while the server computes a cursor's result (after it sent the columns),
   * vertx-mysql-client 5.0.7 takes the error packet for the cursor's opening and fetches from a cursor
   * that does not exist: the answer is 1421 "has no open cursor" and the server's own error is lost.
   * Past the timeout, that error was the timeout; before it, the detail says what is known.
   */
  private final class CursorOpening implements RowCursor {
    private final RowCursor cursor;
    private final long timeoutMs;
    private boolean opened;

    CursorOpening(RowCursor cursor, long timeoutMs) {
      this.cursor = cursor;
      this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<Chunk> read(int count) {
      if (opened) {
        return cursor.read(count);
      }
      opened = true;
      long start = System.nanoTime();
      return cursor.read(count).recover(failure -> {
        if (!(failure instanceof MySQLException my) || my.getErrorCode() != ER_NO_OPEN_CURSOR) {
          return Future.failedFuture(failure);
        }
        if ((System.nanoTime() - start) / 1_000_000 >= timeoutMs) {
          return Future.failedFuture(new MySQLException("the statement ran past its timeout",
              mariaDb ? ER_STATEMENT_TIMEOUT : ER_QUERY_TIMEOUT_MYSQL, "70100"));
        }
        return Future.failedFuture(new GatewayException(new Problem(ErrorCode.SQL_ERROR, "the statement failed"
            + " while the server computed its result for the cursor; the driver lost the server's error (run it"
            + " without Accept: application/x-ndjson to see it)", my.getSqlState(), my.getErrorCode(), null, false,
            null), failure));
      });
    }

    @Override
    public Future<Void> close() {
      return cursor.close();
    }
  }

  private static String withTimeout(String sql, long timeoutMs) {
    return String.format(Locale.ROOT, "SET STATEMENT max_statement_time=%.3f FOR %s", timeoutMs / 1000.0, sql);
  }

  /**
   * The JDBC type name, as MariaDB Connector/J names it where vertx-mysql-client differs: text is
   * {@code VARCHAR} (not {@code CLOB}), an unsigned BIGINT is a {@code BIGINT}, a {@code TIMESTAMP}
   * is an instant, and the columns {@link MySqlColumnTypes} refined are {@code BOOLEAN} or JSON
   * ({@code OTHER}, as PostgreSQL's json).
   */
  @Override
  public String columnType(ColumnDescriptor column) {
    if (column instanceof MySqlColumnTypes.RefinedColumn refined
        && refined.refinement() != MySqlColumnTypes.Refinement.NONE) {
      return refined.jdbcType().getName();
    }
    if (driverColumn(column) instanceof ColumnDefinition definition) {
      switch (definition.type()) {
        case TIMESTAMP:
          return "TIMESTAMP_WITH_TIMEZONE";
        case JSON:
          return "OTHER";
        case TIME:
          return "TIME";
        case U_INT64:
          return "BIGINT";
        case TINY_TEXT:
        case TEXT:
        case MEDIUM_TEXT:
        case LONG_TEXT:
          return "VARCHAR";
        default:
          break;
      }
    }
    return Dialect.super.columnType(driverColumn(column));
  }

  @Override
  public Object toJson(Object value, ColumnDescriptor column) {
    if (value == null || value == Tuple.JSON_NULL) {
      return null;
    }
    if (column instanceof MySqlColumnTypes.RefinedColumn refined) {
      switch (refined.refinement()) {
        case BOOLEAN:
          if (value instanceof Number n) {
            return n.longValue() != 0;
          }
          break;
        case JSON:
          if (value instanceof String text) {
            try {
              return Json.decodeValue(text);
            } catch (DecodeException e) {
              return text;
            }
          }
          break;
        default:
          break;
      }
    }
    DataType type = driverColumn(column) instanceof ColumnDefinition d ? d.type() : null;
    if (value instanceof LocalDateTime t && type == DataType.TIMESTAMP) {
      return JsonValues.utc(t.atOffset(ZoneOffset.UTC));
    }
    if (value instanceof java.time.Duration duration) {
      return JsonValues.clockTime(duration);
    }
    if (value instanceof Numeric numeric && type == DataType.U_INT64) {
      // An unsigned BIGINT is an integer: a number up to 2^53, a string beyond.
      return JsonValues.toJson(numeric.bigIntegerValue());
    }
    return JsonValues.toJson(value);
  }

  /**
   * The native protocol's column flags tell nullability, signedness and auto-increment; the type name
   * is MySQL's own. vertx-mysql-client keeps neither the column's length and decimals nor its table,
   * so precision and scale are 0 and the names empty.
   */
  @Override
  public ColumnMetadata columnMetadata(ColumnDescriptor column) {
    String jdbcType = columnType(column);
    ColumnMetadata base = TypedValues.fromJdbcType(column.typeName(), jdbcType, 0, 0);
    if (!(driverColumn(column) instanceof ColumnDefinition definition)) {
      return base;
    }
    int flags = definition.flags();
    boolean unsigned = (flags & ColumnDefinition.ColumnDefinitionFlags.UNSIGNED_FLAG) != 0;
    boolean binary = (flags & ColumnDefinition.ColumnDefinitionFlags.BINARY_FLAG) != 0;
    String typeName = column instanceof MySqlColumnTypes.RefinedColumn refined
        && refined.refinement() != MySqlColumnTypes.Refinement.NONE ? refined.typeName() : mysqlTypeName(definition.type(), binary);
    // A YEAR travels as a SMALLINT, flagged UNSIGNED; it is a year, not a number with a sign.
    boolean numeric = base.signed() && definition.type() != DataType.YEAR;
    return new ColumnMetadata(unsigned && numeric ? typeName + " UNSIGNED" : typeName,
        (flags & ColumnDefinition.ColumnDefinitionFlags.NOT_NULL_FLAG) != 0 ? ColumnMetadata.NO_NULLS : ColumnMetadata.NULLABLE,
        0, 0, numeric && !unsigned, (flags & ColumnDefinition.ColumnDefinitionFlags.AUTO_INCREMENT_FLAG) != 0,
        base.caseSensitive() && binary, false, "", "", null);
  }

  private static String mysqlTypeName(DataType type, boolean binary) {
    return switch (type) {
      case INT8, U_INT8 -> "TINYINT";
      case INT16, U_INT16 -> "SMALLINT";
      case INT24, U_INT24 -> "MEDIUMINT";
      case INT32, U_INT32 -> "INT";
      case INT64, U_INT64 -> "BIGINT";
      case NUMERIC -> "DECIMAL";
      case STRING -> binary ? "BINARY" : "CHAR";
      case VARSTRING -> binary ? "VARBINARY" : "VARCHAR";
      case TINY_BLOB, BLOB, MEDIUM_BLOB, LONG_BLOB -> binary ? "BLOB" : "TEXT";
      case TINY_TEXT, TEXT, MEDIUM_TEXT, LONG_TEXT -> "TEXT";
      default -> type.name();
    };
  }

  /** The driver's own descriptor under a refined one. */
  private static ColumnDescriptor driverColumn(ColumnDescriptor column) {
    return column instanceof MySqlColumnTypes.RefinedColumn refined ? refined.column() : column;
  }

  @Override
  public List<Object> generatedKeys(SqlResult<?> result) {
    Long id = result.property(MySQLClient.LAST_INSERTED_ID);
    List<Object> keys = new ArrayList<>();
    if (id != null && id > 0 && result.rowCount() > 0) {
      keys.add(JsonValues.toJson(id));
    }
    return keys;
  }

  /** The server's own words; the driver wraps them with the code and state we report separately. */
  private static String message(MySQLException e) {
    String text = e.getMessage();
    int start = text.indexOf("errorMessage=");
    int end = text.lastIndexOf(", errorCode=");
    return start >= 0 && end > start ? text.substring(start + "errorMessage=".length(), end) : text;
  }

  /**
   * A deadlock (and a Galera certification failure, which reports the same code) rolls the whole
   * transaction back; the session then runs in autocommit, so the transaction must not go on.
   */
  @Override
  public AfterFailure afterFailure(Throwable failure) {
    return failure instanceof MySQLException my && my.getErrorCode() == MySqlErrors.DEADLOCK
        ? AfterFailure.ROLLED_BACK : Dialect.super.afterFailure(failure);
  }

  @Override
  public Problem classify(Throwable failure) {
    if (failure instanceof MySQLException my) {
      int code = my.getErrorCode();
      String state = my.getSqlState();
      if (code == ER_STATEMENT_TIMEOUT || code == ER_QUERY_TIMEOUT_MYSQL) {
        return Failures.statementTimeout(state, code);
      }
      if (code == MySqlErrors.DEADLOCK || code == MySqlErrors.LOCK_WAIT_TIMEOUT) {
        return new Problem(ErrorCode.CONFLICT, message(my), state, code, null, true, null);
      }
      if (code == MySqlErrors.NODE_NOT_READY) {
        return Failures.unavailable(message(my)).withSqlState(state, code);
      }
      if (code == MySqlErrors.NOT_PRIMARY_AT_COMMIT) { // Galera lost quorum under the write: 503, never a client error
        return new Problem(ErrorCode.UNAVAILABLE, message(my) + "; whether the write committed is unknown",
            state, code, null, false, Failures.RETRY_AFTER_SECONDS);
      }
      if (code == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION) {
        return new Problem(ErrorCode.SQL_ERROR, message(my), "25006", code, null, false, null);
      }
      return Failures.fromSqlState(state, code, message(my));
    }
    Problem transport = Failures.transport(failure);
    return transport != null ? transport : Problem.of(ErrorCode.INTERNAL, "unexpected failure");
  }
}
