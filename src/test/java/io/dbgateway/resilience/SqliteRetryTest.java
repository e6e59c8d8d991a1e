package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.driver.sqlite.SqliteDataSource;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SQLite: another connection holds the write lock ({@code BEGIN IMMEDIATE} on the same file) past the
 * gateway's busy timeout, so the gateway's attempt fails with SQLITE_BUSY; the lock is released once
 * the wanted number of attempts has failed. SQLite has nothing that survives a rollback, so attempts
 * are counted from the retries the gateway logged, plus the last attempt.
 */
class SqliteRetryTest extends RetryTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected Flaky flaky(int failures, RetryLog log) throws SQLException {
    String side = Engine.uniqueTable("side");
    execute("CREATE TABLE " + side + " (n INTEGER)");
    LockHolder lock = failures > 0 ? new LockHolder(engine().jdbc(), failures, log) : null;
    return new Flaky() {
      @Override
      public String statement() {
        return "INSERT INTO " + side + " (n) VALUES (1)"; // any write waits for the lock
      }

      @Override
      public int attempts() {
        return log.retries().size() + 1;
      }

      @Override
      public void close() throws Exception {
        if (lock != null) {
          lock.release();
        }
      }
    };
  }

  /** Holds SQLite's write lock until {@code failures} attempts have failed, or until released. */
  private static final class LockHolder {

    private final Connection connection;
    private final Thread watcher;
    private boolean released;

    LockHolder(Connection connection, int failures, RetryLog log) throws SQLException {
      this.connection = connection;
      try (var s = connection.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      watcher = new Thread(() -> {
        try {
          if (log.awaitRetries(failures, 120_000)) {
            release();
          }
        } catch (InterruptedException | SQLException e) {
          // released by close()
        }
      }, "sqlite-lock-holder");
      watcher.setDaemon(true);
      watcher.start();
    }

    synchronized void release() throws SQLException {
      if (released) {
        return;
      }
      released = true;
      watcher.interrupt();
      try (var s = connection.createStatement()) {
        s.execute("ROLLBACK");
      } finally {
        connection.close();
      }
    }
  }

  @Test
  void busyPastTheBusyTimeoutAnswers409WithSqliteBusy() throws Exception {
    GatewayUnderTest once = ownGateway(Map.of("GATEWAY_RETRY_MAX_ATTEMPTS", "1"));
    try (Flaky flaky = flaky(1, log)) {
      long start = System.nanoTime();
      Response r = once.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().getInteger("dbCode") & 0xff).isEqualTo(5); // SQLITE_BUSY
      assertThat(tookMs).as("it waited for the busy timeout first").isGreaterThanOrEqualTo(SqliteDataSource.BUSY_TIMEOUT_MS - 500);
    } finally {
      once.close();
    }
  }
}
