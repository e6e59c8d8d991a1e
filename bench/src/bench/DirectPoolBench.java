package bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the gateway's work done straight through a Vert.x PgBuilder pool, in process, with a
 * fixed number of requests in flight (closed loop), no HTTP and no event bus.
 *
 * <p>{@code -Dworkload=point} (the default) is the primary-key SELECT of pgbench's select-only script,
 * {@code SELECT abalance FROM pgbench_accounts WHERE aid = $1}, with a random aid in 1..{@code accounts}.
 *
 * <p>{@code -Dworkload=mixed} is the mix that {@code bench/mixed.lua} sends to the gateway, each request
 * picked at random: 60 % that point SELECT; 20 % an INSERT into {@code bench_mixed} together with an
 * idempotency record (claim the key, do the insert, store the response, in one transaction: what the
 * gateway does for a request with an {@code Idempotency-Key}); 10 % a batch of 3 of those INSERTs in
 * one transaction; 10 % a transaction of two statements (an UPDATE of a {@code pgbench_accounts} row
 * and an INSERT). The tables {@code bench_mixed} and {@code bench_idempotency} are created by run.sh.
 *
 * <p>For the point workload, {@code -Dmode=pool} (the default) runs
 * {@code pool.preparedQuery(sql).execute(tuple)}. For the analysis in docs/benchmarks.md there are two
 * more: {@code -Dmode=connection} borrows a connection per request ({@code pool.withConnection}) and
 * runs the statement on it, and {@code -Dmode=set-timeout} also sends {@code SET statement_timeout = ...}
 * before the statement (pipelined), which is what an older gateway did for every query.
 *
 * <p>Settings come from system properties (see {@code bench/run.sh}). It prints one line,
 * {@code RESULT rps=... p50_ms=... p99_ms=... requests=... errors=...}, that the script parses; the
 * mixed workload adds how many requests of each kind completed in the measured window.
 */
public final class DirectPoolBench {

  static final String POINT = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
  static final String INSERT = "INSERT INTO bench_mixed (k, v) VALUES ($1, $2)";
  static final String UPDATE = "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2";
  // The same three statements the gateway runs around a request with an Idempotency-Key (in its own table).
  static final String CLAIM =
      "INSERT INTO bench_idempotency (scope, idem_key, operation, request_hash, created_at) VALUES ('anonymous', $1, $2, $3, $4)";
  static final String COMPLETE = "UPDATE bench_idempotency SET response = $1 WHERE scope = 'anonymous' AND idem_key = $2";

  /** The kinds of request of the mixed workload, and their shares (in %). */
  enum Kind {
    POINT(60), INSERT(20), BATCH(10), TRANSACTION(10);

    final int percent;

    Kind(int percent) {
      this.percent = percent;
    }

    static Kind pick(int roll) { // roll in 0..99
      int upTo = 0;
      for (Kind k : values()) {
        upTo += k.percent;
        if (roll < upTo) return k;
      }
      return POINT;
    }
  }

  public static void main(String[] args) throws Exception {
    String host = System.getProperty("pg.host", "127.0.0.1");
    int port = Integer.getInteger("pg.port", 5432);
    String db = System.getProperty("pg.db", "postgres");
    String user = System.getProperty("pg.user", "postgres");
    int poolSize = Integer.getInteger("pool.size", 16);
    int concurrency = Integer.getInteger("concurrency", 32);
    int accounts = Integer.getInteger("accounts", 100_000);
    long warmupNs = TimeUnit.SECONDS.toNanos(Integer.getInteger("warmup.seconds", 5));
    long measureNs = TimeUnit.SECONDS.toNanos(Integer.getInteger("duration.seconds", 10));
    String workload = System.getProperty("workload", "point");
    String mode = System.getProperty("mode", "pool");
    if (!workload.equals("point") && !workload.equals("mixed")) {
      throw new IllegalArgumentException("workload must be point or mixed: " + workload);
    }
    if (!mode.equals("pool") && !mode.equals("connection") && !mode.equals("set-timeout")) {
      throw new IllegalArgumentException("mode must be pool, connection or set-timeout: " + mode);
    }

    Vertx vertx = Vertx.vertx();
    // The same pool and connection settings the gateway uses for PostgreSQL (see driver/postgres/PostgresDriver.java).
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions()
            .setName("bench")
            .setMaxSize(poolSize)
            .setEventLoopSize(Math.max(1, Math.min(poolSize, Runtime.getRuntime().availableProcessors()))))
        .with(new NetClientOptions().setTcpNoDelay(true))
        .connectingTo(new PgConnectOptions()
            .setHost(host).setPort(port).setDatabase(db).setUser(user)
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256))
        .using(vertx)
        .build();

    long start = System.nanoTime();
    long measureFrom = start + warmupNs;
    long measureTo = measureFrom + measureNs;
    Measured.window(measureFrom, measureTo);
    Worker[] workers = new Worker[concurrency];
    CountDownLatch finished = new CountDownLatch(concurrency);
    AtomicLong errors = new AtomicLong();
    // Keys and inserted values unique to this run and this worker.
    String runId = Long.toString(System.currentTimeMillis(), 36);
    for (int i = 0; i < concurrency; i++) {
      workers[i] = new Worker(pool, workload, mode, accounts, runId + "-" + i, measureFrom, measureTo, finished, errors);
      workers[i].next();
    }
    if (!finished.await(warmupNs + measureNs + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS)) {
      System.err.println("the workers did not finish in time");
      System.exit(1);
    }

    // Merge each worker's latencies (only requests that both started and ended inside the window).
    int total = 0;
    long[] kinds = new long[Kind.values().length];
    for (Worker w : workers) {
      total += w.count;
      for (int k = 0; k < kinds.length; k++) kinds[k] += w.kinds[k];
    }
    long[] all = new long[total];
    int at = 0;
    for (Worker w : workers) {
      System.arraycopy(w.latencies, 0, all, at, w.count);
      at += w.count;
    }
    Arrays.sort(all);
    double seconds = measureNs / 1e9;
    StringBuilder mix = new StringBuilder();
    if (workload.equals("mixed")) {
      for (Kind k : Kind.values()) mix.append(' ').append(k.name().toLowerCase()).append('=').append(kinds[k.ordinal()]);
    }
    System.out.printf("RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d errors=%d%s%n",
        total / seconds, Measured.ms(all, 0.50), Measured.ms(all, 0.90), Measured.ms(all, 0.99),
        all.length == 0 ? 0.0 : all[all.length - 1] / 1e6, total, errors.get(), mix);
    pool.close().await();
    vertx.close().await();
    System.exit(errors.get() == 0 && total > 0 ? 0 : 1);
  }


  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One in-flight request slot: sends the next request when the last one answers. */
  static final class Worker {
    final Pool pool;
    final String workload, mode, prefix;
    final int accounts;
    final long measureFrom, measureTo;
    final CountDownLatch finished;
    final AtomicLong errors;
    final long[] kinds = new long[Kind.values().length];
    long[] latencies = new long[1 << 14];
    int count;
    long seq;

    Worker(Pool pool, String workload, String mode, int accounts, String prefix, long measureFrom, long measureTo,
        CountDownLatch finished, AtomicLong errors) {
      this.pool = pool; this.workload = workload; this.mode = mode; this.accounts = accounts; this.prefix = prefix;
      this.measureFrom = measureFrom; this.measureTo = measureTo; this.finished = finished; this.errors = errors;
    }

    void next() {
      long sent = System.nanoTime();
      if (sent >= measureTo) {
        finished.countDown();
        return;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int aid = random.nextInt(1, accounts + 1);
      Kind kind = workload.equals("point") ? Kind.POINT : Kind.pick(random.nextInt(100));
      Future<?> request = switch (kind) {
        case POINT -> point(aid);
        case INSERT -> insertWithKey(random.nextInt(1_000_000));
        case BATCH -> pool.withTransaction(conn -> conn.preparedQuery(INSERT).executeBatch(List.of(
            Tuple.of(key(), random.nextInt(1_000_000)), Tuple.of(key(), random.nextInt(1_000_000)),
            Tuple.of(key(), random.nextInt(1_000_000))))
            .map(rows -> check(rows.rowCount() == 1, "batch")));
        case TRANSACTION -> {
          int delta = random.nextInt(-5000, 5001);
          String k = key();
          yield pool.withTransaction(conn -> conn.preparedQuery(UPDATE).execute(Tuple.of(delta, aid))
              .compose(updated -> conn.preparedQuery(INSERT).execute(Tuple.of(k, delta)))
              .map(rows -> check(rows.rowCount() == 1, "transaction")));
        }
      };
      request.onComplete(ar -> {
        long done = System.nanoTime();
        if (ar.failed()) {
          if (errors.getAndIncrement() < 5) System.err.println(kind + " failed: " + ar.cause());
        } else if (sent >= measureFrom && done <= measureTo) {
          record(done - sent);
          kinds[kind.ordinal()]++;
        }
        next();
      });
    }

    private Future<?> point(int aid) {
      Future<RowSet<Row>> query = switch (mode) {
        case "pool" -> pool.preparedQuery(POINT).execute(Tuple.of(aid));
        case "connection" -> pool.withConnection(conn -> conn.preparedQuery(POINT).execute(Tuple.of(aid)));
        default -> pool.withConnection(conn -> {
          Future<?> timeout = conn.query("SET statement_timeout = 30000").execute();
          Future<RowSet<Row>> result = conn.preparedQuery(POINT).execute(Tuple.of(aid));
          return timeout.transform(ignored -> result);
        });
      };
      // Read the row as a client would, and check there is one.
      return query.map(rows -> {
        var it = rows.iterator();
        return check(it.hasNext() && it.next().getValue(0) != null, "point select");
      });
    }

    /** An INSERT with an idempotency record, the way the gateway runs a write with an Idempotency-Key. */
    private Future<?> insertWithKey(int value) {
      String k = key();
      String body = "{\"sql\":\"INSERT INTO bench_mixed (k, v) VALUES (?, ?)\",\"params\":[\"" + k + "\"," + value + "]}";
      String hash = sha256(body);
      return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
          .execute(Tuple.of(k, "query", hash, System.currentTimeMillis()))
          .compose(claimed -> conn.preparedQuery(INSERT).execute(Tuple.of(k, value)))
          .compose(inserted -> conn.preparedQuery(COMPLETE)
              .execute(Tuple.of("{\"rowCount\":0,\"updated\":" + inserted.rowCount() + "}", k))));
    }

    private String key() {
      return prefix + "-" + (seq++);
    }

    private Object check(boolean ok, String what) {
      if (!ok) throw new IllegalStateException("unexpected answer to a " + what);
      return Boolean.TRUE;
    }

    void record(long nanos) {
      if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
      latencies[count++] = nanos;
    }
  }
}
