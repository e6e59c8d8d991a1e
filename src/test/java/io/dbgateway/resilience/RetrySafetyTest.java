package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.driver.Driver;
import io.dbgateway.driver.mysql.MySqlDriver;
import io.dbgateway.driver.postgres.PostgresDriver;
import io.dbgateway.driver.sqlite.SqliteDriver;
import io.dbgateway.error.DatabaseNotAnsweringException;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.resilience.RetrySafety.NotSentException;
import io.dbgateway.resilience.RetrySafety.OutcomeUnknownException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The one table of failures that prove a unit did not commit, engine by engine. */
class RetrySafetyTest {

  private static final java.util.List<Driver> DRIVERS =
      java.util.List.of(PostgresDriver.INSTANCE, MySqlDriver.INSTANCE, SqliteDriver.INSTANCE);

  private static PgException pg(String sqlState) {
    return new PgException("provoked", "ERROR", sqlState, null);
  }

  private static MySQLException mysql(int errno, String sqlState) {
    return new MySQLException("provoked", errno, sqlState);
  }

  /** How SqlExecutor wraps a failing statement of a transaction: the statement index, the driver's cause. */
  private static GatewayException atStatement(Throwable cause) {
    return new GatewayException(Problem.of(ErrorCode.CONFLICT, "at statement 1").withStatementIndex(1), cause);
  }

  @ParameterizedTest
  @ValueSource(strings = {"40001", "40P01"})
  void postgresSerializationFailuresAndDeadlocksAreRetried(String sqlState) {
    assertThat(RetrySafety.notCommitted(PostgresDriver.INSTANCE, pg(sqlState))).isTrue();
    assertThat(RetrySafety.notCommitted(PostgresDriver.INSTANCE, atStatement(pg(sqlState)))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "23503", "42P01", "42601", "57014", "P0001", "25006", "40003"})
  void otherPostgresErrorsAreNot(String sqlState) {
    assertThat(RetrySafety.notCommitted(PostgresDriver.INSTANCE, pg(sqlState))).isFalse();
    assertThat(RetrySafety.notCommitted(PostgresDriver.INSTANCE, atStatement(pg(sqlState)))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {1213, 1205, 1047})
  void mysqlDeadlocksLockWaitTimeoutsAndGaleraNotReadyAreRetried(int errno) {
    assertThat(RetrySafety.notCommitted(MySqlDriver.INSTANCE, mysql(errno, errno == 1213 ? "40001" : "HY000"))).isTrue();
    assertThat(RetrySafety.notCommitted(MySqlDriver.INSTANCE, atStatement(mysql(errno, "HY000")))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1062, 1452, 1064, 1146, 1969, 3024, 1180, 1644, 2013})
  void otherMysqlErrorsAreNot(int errno) {
    // 1180 (error during COMMIT) and 2013 (lost connection during query) leave the outcome unknown.
    assertThat(RetrySafety.notCommitted(MySqlDriver.INSTANCE, mysql(errno, "HY000"))).isFalse();
  }

  @Test
  void theTableIsPerEngine() {
    assertThat(RetrySafety.notCommitted(MySqlDriver.INSTANCE, mysql(1644, "40001"))).as("a MySQL error is read by its number")
        .isFalse();
    assertThat(RetrySafety.notCommitted(PostgresDriver.INSTANCE, new SQLException("busy", "40001", 5))).isFalse();
    assertThat(RetrySafety.notCommitted(SqliteDriver.INSTANCE, pg("40001"))).isFalse();
  }

  @Test
  void sqliteBusyIsRetriedWithItsExtendedCodesToo() {
    assertThat(RetrySafety.notCommitted(SqliteDriver.INSTANCE, new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY))).isTrue();
    assertThat(RetrySafety.notCommitted(SqliteDriver.INSTANCE,
        new SQLiteException("snapshot", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT))).isTrue();
    assertThat(RetrySafety.notCommitted(SqliteDriver.INSTANCE,
        atStatement(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY)))).isTrue();
  }

  @Test
  void otherSqliteErrorsAreNot() {
    for (SQLiteErrorCode code : new SQLiteErrorCode[] {SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE,
        SQLiteErrorCode.SQLITE_INTERRUPT, SQLiteErrorCode.SQLITE_READONLY, SQLiteErrorCode.SQLITE_ERROR,
        SQLiteErrorCode.SQLITE_IOERR, SQLiteErrorCode.SQLITE_FULL}) {
      assertThat(RetrySafety.notCommitted(SqliteDriver.INSTANCE, new SQLiteException("x", code))).as(code.name()).isFalse();
    }
  }

  @Test
  void noConnectionBeforeTheWorkWasSentIsRetriedOnEveryEngine() {
    for (Driver type : DRIVERS) {
      assertThat(RetrySafety.notCommitted(type, new NotSentException(new ConnectException("refused")))).isTrue();
      assertThat(RetrySafety.notCommitted(type, new NotSentException(ClosedConnectionException.INSTANCE))).isTrue();
      assertThat(RetrySafety.notCommitted(type, new ConnectException("refused"))).isTrue();
    }
  }

  @Test
  void aConnectionLostDuringCommitIsNeverRetried() {
    for (Driver type : DRIVERS) {
      assertThat(RetrySafety.notCommitted(type, new OutcomeUnknownException(ClosedConnectionException.INSTANCE)))
          .isFalse();
      // Even when the cause would be retryable on its own, or something around it says "not sent".
      assertThat(RetrySafety.notCommitted(type, new OutcomeUnknownException(new ConnectException("reset")))).isFalse();
      assertThat(RetrySafety.notCommitted(type, new NotSentException(new OutcomeUnknownException(pg("40001")))))
          .isFalse();
      // A call the database stopped answering, or a connection closed under a statement, is not proof.
      assertThat(RetrySafety.notCommitted(type, new DatabaseNotAnsweringException("db:1", 1000))).isFalse();
      assertThat(RetrySafety.notCommitted(type, ClosedConnectionException.INSTANCE)).isFalse();
    }
  }

  @Test
  void aBusyPoolIsNeverRetried() {
    for (Driver type : DRIVERS) {
      ConnectionPoolTooBusyException full = new ConnectionPoolTooBusyException("max wait queue size of 100");
      assertThat(RetrySafety.notCommitted(type, full)).isFalse();
      // SqlExecutor wraps every failure to get a connection as "not sent"; a busy pool stays not retried.
      assertThat(RetrySafety.notCommitted(type, new NotSentException(full))).isFalse();
      NoStackTraceThrowable waitedTooLong = new NoStackTraceThrowable("Timeout");
      assertThat(RetrySafety.notCommitted(type, new NotSentException(waitedTooLong))).isFalse();
    }
  }

  @Test
  void theGatewaysOwnErrorsAreNot() {
    for (Driver type : DRIVERS) {
      assertThat(RetrySafety.notCommitted(type, GatewayException.badRequest("no"))).isFalse();
      assertThat(RetrySafety.notCommitted(type, new IllegalStateException("bug"))).isFalse();
    }
  }
}
