package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.error.DatabaseNotAnsweringException;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.mysql.MySqlDriver;
import io.dbgateway.driver.postgres.PostgresDriver;
import io.dbgateway.driver.sqlite.SqliteDriver;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.resilience.RetrySafety.NotSentException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which failures count against a node's circuit breaker ({@link Failures#isDatabaseDown}, each engine's codes read by its driver): the database
 * being unreachable, gone or silent does; the database rejecting a statement, the client's own limits
 * and a full wait queue do not. The failures are built the way the drivers and the pool report them;
 * the outage and breaker tests see the real ones.
 */
class FailureClassificationTest {

  static Stream<Arguments> databaseDown() {
    return Stream.of(
        Arguments.of("connection refused", new ConnectException("Connection refused")),
        Arguments.of("connection reset", new SocketException("Connection reset")),
        Arguments.of("connection closed under a statement", ClosedConnectionException.INSTANCE),
        Arguments.of("statement scheduled on a closed connection",
            VertxException.noStackTrace("Connection is not active now, current status: CLOSED")),
        Arguments.of("statement queued when the connection closed",
            VertxException.noStackTrace("Pending requests failed to be sent due to connection has been closed.")),
        Arguments.of("no connection within the pool's wait timeout", VertxException.noStackTrace("Timeout")),
        Arguments.of("a call past its deadline", new DatabaseNotAnsweringException("127.0.0.1:5432", 1000)),
        Arguments.of("PostgreSQL shutting down (57P01)", new PgException("terminating connection", "FATAL", "57P01", null)),
        Arguments.of("PostgreSQL starting up (57P03)", new PgException("the database system is starting up", "FATAL", "57P03", null)),
        Arguments.of("PostgreSQL connection failure (08006)", new PgException("connection failure", "FATAL", "08006", null)),
        Arguments.of("MariaDB server gone away (2006)", new MySQLException("gone away", 2006, "HY000")),
        Arguments.of("MariaDB lost connection (2013)", new MySQLException("lost connection", 2013, "HY000")),
        Arguments.of("MariaDB shutting down (1053)", new MySQLException("shutdown in progress", 1053, "08S01")),
        Arguments.of("SQLite I/O error", new SQLException("disk I/O error", null, 10)),
        Arguments.of("SQLite cannot open the file", new SQLException("unable to open database file", null, 14)),
        Arguments.of("wrapped: not sent", new NotSentException(new ConnectException("Connection refused"))),
        Arguments.of("wrapped: failing statement of a transaction",
            new GatewayException(Problem.of(ErrorCode.INTERNAL, "x"), ClosedConnectionException.INSTANCE)));
  }

  static Stream<Arguments> databaseUp() {
    return Stream.of(
        Arguments.of("PostgreSQL syntax error (42601)", new PgException("syntax error", "ERROR", "42601", null)),
        Arguments.of("PostgreSQL unique violation (23505)", new PgException("duplicate key", "ERROR", "23505", null)),
        Arguments.of("PostgreSQL statement timeout (57014)", new PgException("canceling statement", "ERROR", "57014", null)),
        Arguments.of("PostgreSQL serialization failure (40001)", new PgException("could not serialize", "ERROR", "40001", null)),
        Arguments.of("PostgreSQL deadlock (40P01)", new PgException("deadlock detected", "ERROR", "40P01", null)),
        Arguments.of("PostgreSQL read-only transaction (25006)", new PgException("read-only", "ERROR", "25006", null)),
        Arguments.of("MariaDB syntax error (1064)", new MySQLException("syntax", 1064, "42000")),
        Arguments.of("MariaDB duplicate key (1062)", new MySQLException("duplicate", 1062, "23000")),
        Arguments.of("MariaDB statement timeout (1969)", new MySQLException("max_statement_time", 1969, "70100")),
        Arguments.of("MariaDB deadlock (1213)", new MySQLException("deadlock", 1213, "40001")),
        Arguments.of("SQLite syntax error", new SQLException("near \"SELEC\": syntax error", null, 1)),
        Arguments.of("SQLite constraint", new SQLException("UNIQUE constraint failed", null, 2067)),
        Arguments.of("SQLite busy", new SQLException("database is locked", null, 5)),
        Arguments.of("the pool's wait queue is full", new ConnectionPoolTooBusyException("max wait queue size of 1")),
        Arguments.of("a bad request", GatewayException.badRequest("no value for :id")),
        Arguments.of("a parameter the type cannot take", new VertxException("Parameter at position[0] with class = ...", true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databaseDown")
  void countsAgainstTheBreaker(String what, Throwable failure) {
    for (Driver driver : driversOf(what)) {
      assertThat(Failures.isDatabaseDown(driver, failure)).as(driver.type().id()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databaseUp")
  void neverCountsAgainstTheBreaker(String what, Throwable failure) {
    for (Driver driver : ALL) {
      assertThat(Failures.isDatabaseDown(driver, failure)).as(driver.type().id()).isFalse();
    }
  }

  private static final List<Driver> ALL = List.of(PostgresDriver.INSTANCE, MySqlDriver.INSTANCE, SqliteDriver.INSTANCE);

  /** The driver that reads a failure of the engine the case names; a failure of no engine means the same to all. */
  private static List<Driver> driversOf(String what) {
    return what.startsWith("PostgreSQL") ? List.of(PostgresDriver.INSTANCE)
        : what.startsWith("MariaDB") ? List.of(MySqlDriver.INSTANCE)
        : what.startsWith("SQLite") ? List.of(SqliteDriver.INSTANCE)
        : ALL;
  }

  static Stream<Arguments> lostConnections() {
    return Stream.of(
        Arguments.of(VertxException.noStackTrace("Connection is not active now, current status: CLOSED")),
        Arguments.of(VertxException.noStackTrace("Connection is not active now, current status: CLOSING")),
        Arguments.of(VertxException.noStackTrace("Pending requests failed to be sent due to connection has been closed.")),
        Arguments.of(VertxException.noStackTrace("Timeout")),
        Arguments.of(ClosedConnectionException.INSTANCE));
  }

  /**
   * A connection that went away is a 503 the client may retry, never a 500. Every dialect hands
   * failures that are not the database's own errors to {@link Failures#transport}.
   */
  @ParameterizedTest
  @MethodSource("lostConnections")
  void aLostConnectionAnswers503WithRetryAfter(Throwable failure) {
    Problem problem = Failures.transport(failure);
    assertThat(problem).isNotNull();
    assertThat(problem.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(problem.retryable()).isTrue();
    assertThat(problem.retryAfterSeconds()).isNotNull().isPositive();
  }
}
