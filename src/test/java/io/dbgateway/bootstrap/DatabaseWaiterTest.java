package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.driver.Drivers;
import io.dbgateway.driver.Jdbc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseWaiterTest {

  @TempDir
  Path dir;

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private DatabaseConfig db(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    try {
      env.put("GATEWAY_CONFIG", Files.writeString(dir.resolve("empty.json"), "{}").toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return ConfigLoader.load(env).database();
  }

  private DatabaseWaiter<?> waiter(DatabaseConfig db, double jitter) {
    return new DatabaseWaiter<>(vertx, db, () -> "never called", () -> jitter);
  }

  private static List<Long> schedule(DatabaseWaiter<?> waiter, int lastAttempt) {
    List<Long> delays = new java.util.ArrayList<>();
    for (int attempt = 2; attempt <= lastAttempt; attempt++) {
      delays.add(waiter.delayBefore(attempt).toMillis());
    }
    return delays;
  }

  // ---- the schedule ----

  @Test
  void withoutJitterTheFirstRetryWaitsDbRetryDelayThenDoublesUpToTheCap() {
    DatabaseWaiter<?> waiter = waiter(db("DB_RETRY_DELAY", "1", "GATEWAY_DB_RETRY_DELAY_CAP", "60"), 0.0);
    assertThat(schedule(waiter, 10))
        .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L, 60_000L);
  }

  @Test
  void defaultScheduleStartsAtFiveSeconds() {
    DatabaseWaiter<?> waiter = waiter(db(), 0.0);
    assertThat(schedule(waiter, 5)).containsExactly(5_000L, 10_000L, 20_000L, 40_000L);
  }

  @Test
  void decimalDelaysDouble() {
    DatabaseWaiter<?> waiter = waiter(db("DB_RETRY_DELAY", "0.5"), 0.0);
    assertThat(schedule(waiter, 5)).containsExactly(500L, 1_000L, 2_000L, 4_000L);
  }

  @Test
  void maximalJitterAddsAtMostTwentyPercentAndNeverPassesTheCap() {
    DatabaseWaiter<?> waiter = waiter(db("DB_RETRY_DELAY", "1", "GATEWAY_DB_RETRY_DELAY_CAP", "10"), 0.999_999);
    // 1 s + 20%, 2 s + 20%, 4 s + 20%, 8 s + 20% = 9.6 s, then 10 s capped (jitter cannot push past it)
    assertThat(schedule(waiter, 8))
        .containsExactly(1_199L, 2_399L, 4_799L, 9_599L, 10_000L, 10_000L, 10_000L);
  }

  @Test
  void jitterIsClampedToTwentyPercentWhateverTheSourceSays() {
    assertThat(waiter(db("DB_RETRY_DELAY", "1"), 5.0).delayBefore(2)).isEqualTo(Duration.ofMillis(1_200));
    assertThat(waiter(db("DB_RETRY_DELAY", "1"), -5.0).delayBefore(2)).isEqualTo(Duration.ofMillis(1_000));
  }

  @Test
  void aCapBelowTheFirstDelayWins() {
    DatabaseWaiter<?> waiter = waiter(db("DB_RETRY_DELAY", "30", "GATEWAY_DB_RETRY_DELAY_CAP", "2"), 0.5);
    assertThat(schedule(waiter, 4)).containsOnly(2_000L);
  }

  @Test
  void manyAttemptsDoNotOverflow() {
    DatabaseWaiter<?> waiter = waiter(db("DB_RETRY_DELAY", "3600", "GATEWAY_DB_RETRY_DELAY_CAP", "86400"), 0.5);
    assertThat(waiter.delayBefore(1_000)).isEqualTo(Duration.ofSeconds(86_400));
    assertThat(waiter.delayBefore(64)).isEqualTo(Duration.ofSeconds(86_400));
  }

  @Test
  void theRealJitterSourceStaysWithinTwentyPercentAndVaries() {
    DatabaseConfig db = db("DB_RETRY_DELAY", "1", "GATEWAY_DB_RETRY_DELAY_CAP", "5");
    DatabaseWaiter<?> waiter = DatabaseWaiter.forNodes(vertx, db, java.util.List.of(new Jdbc(Drivers.of(db.type()), db, db.hosts().get(0), 1)));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      long first = waiter.delayBefore(2).toMillis();
      long third = waiter.delayBefore(4).toMillis();
      long capped = waiter.delayBefore(6).toMillis();
      assertThat(first).isBetween(1_000L, 1_200L);
      assertThat(third).isBetween(4_000L, 4_800L);
      assertThat(capped).isEqualTo(5_000L);
      seen.add(first);
    }
    assertThat(seen).as("jitter must actually vary the delay").hasSizeGreaterThan(10);
  }

  @Test
  void attemptOneHasNoDelay() {
    assertThatThrownBy(() -> waiter(db(), 0).delayBefore(1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- the waiting itself, on a real Vert.x ----

  @Test
  void retriesOnTheScheduleUntilTheDatabaseAnswers() throws Exception {
    DatabaseConfig db = db("DB_MAX_RETRIES", "4", "DB_RETRY_DELAY", "0.2");
    List<Long> attempts = new CopyOnWriteArrayList<>();
    DatabaseWaiter<String> waiter = new DatabaseWaiter<>(vertx, db, () -> {
      attempts.add(System.nanoTime());
      if (attempts.size() < 3) {
        throw new SQLException("not yet");
      }
      return "16.1";
    }, () -> 0.0);

    long t0 = System.nanoTime();
    String version = waiter.await().await(20, TimeUnit.SECONDS);

    assertThat(version).isEqualTo("16.1");
    assertThat(attempts).hasSize(3);
    // the first attempt is immediate; then 200 ms, then 400 ms (upper bounds are loose: CI machines are slow)
    assertThat(TimeUnit.NANOSECONDS.toMillis(attempts.get(0) - t0)).isLessThan(3_000);
    long firstGap = TimeUnit.NANOSECONDS.toMillis(attempts.get(1) - attempts.get(0));
    long secondGap = TimeUnit.NANOSECONDS.toMillis(attempts.get(2) - attempts.get(1));
    assertThat(firstGap).isBetween(195L, 3_000L);
    assertThat(secondGap).isBetween(395L, 3_000L);
  }

  @Test
  void givesUpAfterExactlyDbMaxRetriesAttemptsWithOneClearMessage() {
    DatabaseConfig db = db("DB_MAX_RETRIES", "3", "DB_RETRY_DELAY", "0.05", "DB_HOST", "db.internal", "DB_PORT", "6543");
    AtomicInteger calls = new AtomicInteger();
    DatabaseWaiter<?> waiter = new DatabaseWaiter<>(vertx, db, () -> {
      calls.incrementAndGet();
      throw new SQLException("outer", new IOException("connection refused\n  by the test"));
    }, () -> 0.0);

    Throwable failure = failureOf(waiter.await());

    assertThat(calls).hasValue(3);
    assertThat(failure).isInstanceOf(StartupException.class);
    assertThat(failure.getMessage())
        .contains("postgresql://db.internal:6543/app_db")
        .contains("after 3 attempts")
        .contains("connection refused by the test")
        .doesNotContain("\n")
        .doesNotContain("app_pass");
  }

  @Test
  void oneAttemptMeansNoRetry() {
    AtomicInteger calls = new AtomicInteger();
    DatabaseWaiter<?> waiter = new DatabaseWaiter<>(vertx, db("DB_MAX_RETRIES", "1", "DB_RETRY_DELAY", "0.05"), () -> {
      calls.incrementAndGet();
      throw new SQLException("down");
    }, () -> 0.0);
    assertThat(failureOf(waiter.await())).hasMessageContaining("after 1 attempt ").hasMessageContaining("down");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aClosedPortFailsThroughRealJdbcNamingTheTarget() throws Exception {
    int port = FreePorts.take();
    DatabaseConfig db = db("DB_HOST", "127.0.0.1", "DB_PORT", Integer.toString(port),
        "DB_MAX_RETRIES", "2", "DB_RETRY_DELAY", "0.1");
    DatabaseWaiter<?> waiter = DatabaseWaiter.forNodes(vertx, db, java.util.List.of(new Jdbc(Drivers.of(db.type()), db, db.hosts().get(0), 2)));
    Throwable failure = failureOf(waiter.await());
    assertThat(failure).isInstanceOf(StartupException.class);
    assertThat(failure.getMessage()).contains("127.0.0.1:" + port).contains("after 2 attempts")
        .containsIgnoringCase("refused");
  }

  private static Throwable failureOf(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the waiter neither failed nor succeeded in time", e);
    }
    throw new AssertionError("the waiter succeeded but should have given up");
  }

}
