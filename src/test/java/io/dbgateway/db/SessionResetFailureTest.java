package io.dbgateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.driver.postgres.PostgresDriver;
import io.dbgateway.driver.sqlite.SqliteDriver;
import io.dbgateway.node.LanedPool;
import io.dbgateway.testing.TestServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection whose session cannot be reset is closed, never lent again, and the pool opens a new one
 * in its place; SQLite's sessions are always reopened. Against a real PostgreSQL server and a real SQLite
 * file, with pools of one connection, so a leak of the slot would show at once.
 */
class SessionResetFailureTest {

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSessionThatCannotBeResetIsClosedAndReplaced() throws Exception {
    var postgres = TestServers.postgres();
    LanedPool pool = postgresPoolOfOne(conn -> Future.failedFuture("this reset always fails"));
    try {
      SqlConnection first = await(pool.connection(false));
      int firstPid = backendPid(first);
      await(pool.giveBack(first, true));

      SqlConnection second = await(pool.connection(false));
      int secondPid = backendPid(second);
      assertThat(secondPid).as("a new session, not the one that could not be reset").isNotEqualTo(firstPid);
      await(pool.giveBack(second, false));

      SqlConnection third = await(pool.connection(false));
      assertThat(backendPid(third)).as("an unchanged session is lent again as it is").isEqualTo(secondPid);
      await(pool.giveBack(third));

      try (var direct = postgres.connect(); var s = direct.prepareStatement(
          "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?")) {
        s.setInt(1, firstPid);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int left;
        do {
          try (var rs = s.executeQuery()) {
            rs.next();
            left = rs.getInt(1);
          }
        } while (left > 0 && System.nanoTime() < until);
        assertThat(left).as("the closed session is gone from the server").isZero();
      }
    } finally {
      await(pool.close());
    }
  }

  @Test
  void aConnectionDiscardedMidStatementEndsTheStatementAndFreesItsSlot() throws Exception {
    LanedPool pool = postgresPoolOfOne(new io.dbgateway.driver.postgres.PostgresDialect(30_000).sessionReset());
    try {
      SqlConnection busy = await(pool.connection(false));
      Future<?> sleeping = busy.query("SELECT pg_sleep(60)").execute();
      Thread.sleep(200);
      long start = System.nanoTime();
      await(pool.discard(busy));
      assertThat(sleeping.toCompletionStage().toCompletableFuture()).failsWithin(5, TimeUnit.SECONDS);
      assertThat((System.nanoTime() - start) / 1_000_000).as("ended at once, not after the sleep").isLessThan(5_000);
      assertThat(pool.runningWork()).as("no longer counted as lent").isEmpty();

      SqlConnection next = await(pool.connection(false));
      assertThat(await(next.query("SELECT 1").execute()).size()).isEqualTo(1);
      await(pool.giveBack(next));
    } finally {
      await(pool.close());
    }
  }

  @Test
  void sqliteSessionsAreReopenedRatherThanReset() throws Exception {
    Path dir = Files.createTempDirectory("dbgw-reset-");
    GatewayConfig config = ConfigLoader.load(Map.of("DB_TYPE", "sqlite", "DB_NAME", dir.resolve("g.db").toString()));
    LanedPool pool = SqliteDriver.INSTANCE.connections(vertx, config.database(), config.pool(), null, 30_000, 1,
        LanedPool.SessionReset.REOPEN);
    try {
      for (int round = 0; round < 3; round++) {
        SqlConnection writer = await(pool.connection(false));
        assertThat(await(writer.query("SELECT COUNT(*) FROM sqlite_temp_master").execute()).iterator().next().getInteger(0))
            .as("round %d starts with a session of its own", round).isZero();
        await(writer.query("CREATE TEMP TABLE leftover (x)").execute());
        await(pool.giveBack(writer, true));
      }
    } finally {
      await(pool.close());
    }
  }

  private LanedPool postgresPoolOfOne(LanedPool.SessionReset reset) {
    var postgres = TestServers.postgres();
    GatewayConfig config = ConfigLoader.load(Map.of("DB_TYPE", "postgresql", "DB_HOST", postgres.host(),
        "DB_PORT", Integer.toString(postgres.port()), "DB_NAME", postgres.database(), "DB_USER", postgres.user(),
        "DB_PASS", postgres.password(), "DB_POOL_SIZE", "1"));
    return PostgresDriver.INSTANCE.connections(vertx, config.database(), config.pool(), config.database().hosts().get(0),
        30_000, 1, reset);
  }

  private static int backendPid(SqlConnection conn) throws Exception {
    return await(conn.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
