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
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the primary-key SELECT straight through a Vert.x PgBuilder pool, in process, with a
 * fixed number of requests in flight (closed loop), no HTTP and no event bus.
 *
 * <p>{@code -Dmode=pool} (the default) runs {@code pool.preparedQuery(sql).execute(tuple)}. For the
 * analysis in docs/benchmarks.md there are two more: {@code -Dmode=connection} borrows a connection
 * per request ({@code pool.withConnection}) and runs the statement on it, and
 * {@code -Dmode=set-timeout} also sends {@code SET statement_timeout = ...} before the statement
 * (pipelined), which is what the gateway's PostgreSQL dialect does for every query.
 *
 * <p>Settings come from system properties (see {@code bench/run.sh}). It prints one line,
 * {@code RESULT rps=... p50_ms=... p99_ms=... requests=... errors=...}, that the script parses.
 */
public final class DirectPoolBench {

  static final String SQL = "SELECT id, name, price FROM bench_item WHERE id = $1";

  public static void main(String[] args) throws Exception {
    String host = System.getProperty("pg.host", "127.0.0.1");
    int port = Integer.getInteger("pg.port", 5432);
    String db = System.getProperty("pg.db", "postgres");
    String user = System.getProperty("pg.user", "postgres");
    int poolSize = Integer.getInteger("pool.size", 10);
    int concurrency = Integer.getInteger("concurrency", 64);
    int rows = Integer.getInteger("rows", 10_000);
    long warmupNs = TimeUnit.SECONDS.toNanos(Integer.getInteger("warmup.seconds", 5));
    long measureNs = TimeUnit.SECONDS.toNanos(Integer.getInteger("duration.seconds", 20));
    String mode = System.getProperty("mode", "pool");
    if (!mode.equals("pool") && !mode.equals("connection") && !mode.equals("set-timeout")) {
      throw new IllegalArgumentException("mode must be pool, connection or set-timeout: " + mode);
    }

    Vertx vertx = Vertx.vertx();
    // The same pool and connection settings the gateway uses for PostgreSQL (see db/Pools.java).
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
    Worker[] workers = new Worker[concurrency];
    CountDownLatch finished = new CountDownLatch(concurrency);
    AtomicLong errors = new AtomicLong();
    for (int i = 0; i < concurrency; i++) {
      workers[i] = new Worker(pool, mode, rows, measureFrom, measureTo, finished, errors);
      workers[i].next();
    }
    if (!finished.await(warmupNs + measureNs + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS)) {
      System.err.println("the workers did not finish in time");
      System.exit(1);
    }

    // Merge each worker's latencies (only requests that both started and ended inside the window).
    int total = 0;
    for (Worker w : workers) total += w.count;
    long[] all = new long[total];
    int at = 0;
    for (Worker w : workers) {
      System.arraycopy(w.latencies, 0, all, at, w.count);
      at += w.count;
    }
    Arrays.sort(all);
    double seconds = measureNs / 1e9;
    System.out.printf("RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d errors=%d%n",
        total / seconds, ms(all, 0.50), ms(all, 0.90), ms(all, 0.99),
        all.length == 0 ? 0.0 : all[all.length - 1] / 1e6, total, errors.get());
    pool.close().await();
    vertx.close().await();
    System.exit(errors.get() == 0 && total > 0 ? 0 : 1);
  }

  static double ms(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }

  /** One in-flight request slot: sends the next query when the last one answers. */
  static final class Worker {
    final Pool pool;
    final String mode;
    final int rows;
    final long measureFrom, measureTo;
    final CountDownLatch finished;
    final AtomicLong errors;
    long[] latencies = new long[1 << 14];
    int count;

    Worker(Pool pool, String mode, int rows, long measureFrom, long measureTo, CountDownLatch finished,
        AtomicLong errors) {
      this.pool = pool; this.mode = mode; this.rows = rows; this.measureFrom = measureFrom; this.measureTo = measureTo;
      this.finished = finished; this.errors = errors;
    }

    void next() {
      long sent = System.nanoTime();
      if (sent >= measureTo) {
        finished.countDown();
        return;
      }
      int id = ThreadLocalRandom.current().nextInt(1, rows + 1);
      Future<RowSet<Row>> query = switch (mode) {
        case "pool" -> pool.preparedQuery(SQL).execute(Tuple.of(id));
        case "connection" -> pool.withConnection(conn -> conn.preparedQuery(SQL).execute(Tuple.of(id)));
        default -> pool.withConnection(conn -> {
          Future<?> timeout = conn.query("SET statement_timeout = 30000").execute();
          Future<RowSet<Row>> result = conn.preparedQuery(SQL).execute(Tuple.of(id));
          return timeout.transform(ignored -> result);
        });
      };
      query.onComplete(ar -> {
        long done = System.nanoTime();
        if (ar.failed()) {
          if (errors.getAndIncrement() < 5) System.err.println("query failed: " + ar.cause());
        } else {
          // Read the row as a client would, and check it is the one asked for.
          Row row = ar.result().iterator().next();
          if (row.getInteger(0) != id || row.getString(1) == null || row.getValue(2) == null) {
            errors.incrementAndGet();
          }
          if (sent >= measureFrom && done <= measureTo) record(done - sent);
        }
        next();
      });
    }

    void record(long nanos) {
      if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
      latencies[count++] = nanos;
    }
  }
}
