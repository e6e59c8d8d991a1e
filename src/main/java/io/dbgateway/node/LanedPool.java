package io.dbgateway.node;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where statements get a connection to one database on one node, and give it back: a pool split in lanes,
 * one Vert.x {@link Pool} a lane, that records what it lends.
 *
 * <p>A server's connections are split into <em>lanes</em>, one pool per event loop: each pool is built
 * with {@code eventLoopSize(0)}, so its connections live on the loop of the requests that opened them,
 * and each event-loop thread always takes its connections from its own lane. A request therefore runs
 * from the HTTP parse to the reply on the one event loop that accepted it, with no hand-off to another
 * thread. The lanes' sizes add up to the configured pool size (see {@link #laneSizes}).
 *
 * <p>Every connection lent is recorded with its lane until {@link #giveBack}, so that:
 * <ul>
 *   <li>a wait for a connection that times out while every connection of the lane is lent is <em>load</em>:
 *       it fails with 503 {@code UNAVAILABLE} and {@code Retry-After}, and never counts against the node's
 *       circuit breaker. A wait that times out while the lane still has room means the database did not
 *       give a new connection in time: that one does count (a server that accepts TCP and never answers
 *       shows only this way);</li>
 *   <li>interactive transactions hold at most their share of each lane ({@link #transactionShares}), so
 *       short operations always keep connections; a transaction past every lane's share is refused at
 *       once.</li>
 * </ul>
 *
 * <p>SQLite has one lane: a writer pool of one connection, and read-only connections in a pool of their
 * own that read-only work uses.
 */
public final class LanedPool {

  private static final Logger log = LoggerFactory.getLogger(LanedPool.class);

  /** The lane number of each event-loop thread, handed out in the order threads first ask. */
  private static final ThreadLocal<Integer> LANE_OF_THREAD = new ThreadLocal<>();
  private static final AtomicInteger NEXT_LANE = new AtomicInteger();

  /** One pool, its size, and how many of its connections hold a transaction. */
  private static final class Lane {
    final Pool pool;
    final int size;
    final int transactionShare;
    final AtomicInteger transactions = new AtomicInteger();

    Lane(Pool pool, int size, int transactionShare) {
      this.pool = pool;
      this.size = size;
      this.transactionShare = transactionShare;
    }
  }

  /** What a lent connection holds: its lane, and whether an interactive transaction has it. */
  private record Lease(Lane lane, boolean transaction) {}

  private final List<Lane> lanes;
  private final Lane reader;
  private final String node;
  private final SessionReset reset;
  private final boolean resetEverySession;
  private final Closer closer;
  private final Map<SqlConnection, Lease> lent = new ConcurrentHashMap<>();

  /**
   * Connections a cancel was sent for. A cancel reaches the server a moment later and stops whatever runs
   * there then, which could already be the next caller's statement on a reused connection; so such a
   * connection is closed when it comes back, and never lent again. Cancels are rare (a deadline, a result
   * over its budget, shutdown), so the reconnect costs little.
   */
  private static final java.util.Set<SqlConnection> CANCELLED = ConcurrentHashMap.newKeySet();

  /** Records that a cancel is being sent for the statement running on {@code conn}: see {@link #CANCELLED}. */
  public static void cancelSent(SqlConnection conn) {
    CANCELLED.add(conn);
  }

  /**
   * Puts a session back as a new connection has it: settings, locks, temporary tables, prepared
   * statements, cursors, listeners, variables, an open transaction. A failed reset closes the connection.
   */
  @FunctionalInterface
  public interface SessionReset {
    /** No reset: the session is closed instead, and the pool opens a new one when it needs it. */
    SessionReset REOPEN = conn -> Future.failedFuture("reopened, not reset");

    Future<Void> reset(SqlConnection conn);
  }

  /**
   * Closes a lent connection at once, without waiting for what it still runs, and completes once its pool
   * has forgotten it. No public Vert.x API does (closing a pooled connection gives it back), so each driver
   * does it with its client's internals, in the driver's package.
   */
  @FunctionalInterface
  public interface Closer {
    Future<Void> closeNow(SqlConnection conn);
  }

  /**
   * @param lanes the writer pools, one per lane (a single one for SQLite)
   * @param sizes each lane's size, in the same order
   * @param reader where read-only work goes, or null to use the lanes
   * @param readerSize the reader pool's size (ignored without one)
   * @param maxTransactions how many interactive transactions may hold a connection at once, shared out
   *     among the lanes (and given to the reader pool whole)
   * @param node the node these pools reach, reported in every result
   * @param reset how a session that work may have changed is put back before the connection is lent again
   * @param resetEverySession whether every session is reset, not only those work may have changed
   * @param closer how the driver closes a connection for good ({@link #discard})
   */
  public LanedPool(List<Pool> lanes, List<Integer> sizes, Pool reader, int readerSize, int maxTransactions,
      String node, SessionReset reset, boolean resetEverySession, Closer closer) {
    List<Integer> shares = transactionShares(sizes, maxTransactions);
    List<Lane> built = new ArrayList<>(lanes.size());
    for (int i = 0; i < lanes.size(); i++) {
      built.add(new Lane(lanes.get(i), sizes.get(i), shares.get(i)));
    }
    this.lanes = List.copyOf(built);
    this.reader = reader == null ? null : new Lane(reader, readerSize, Math.min(readerSize, maxTransactions));
    this.node = node;
    this.reset = reset;
    this.resetEverySession = resetEverySession;
    this.closer = closer;
  }

  /** The node these pools reach, reported in every result: host:port, or the SQLite file. */
  public String node() {
    return node;
  }

  /** A connection of the calling event loop's lane (read-only work may use the read pool); give it back with {@link #giveBack}. */
  public Future<SqlConnection> connection(boolean readOnly) {
    return lend(readOnly && reader != null ? reader : lane(), false);
  }

  /**
   * A connection for an interactive transaction: from the calling loop's lane while that lane holds
   * fewer transactions than its share, else from the first lane that does.
   *
   * @throws GatewayException 503 at once when every lane holds its share
   */
  public Future<SqlConnection> transactionConnection(boolean readOnly) {
    Lane own = readOnly && reader != null ? reader : lane();
    Lane chosen = claimTransaction(own) ? own : null;
    for (int i = 0; chosen == null && own != reader && i < lanes.size(); i++) {
      chosen = claimTransaction(lanes.get(i)) ? lanes.get(i) : null;
    }
    if (chosen == null) {
      return Future.failedFuture(new GatewayException(Failures.unavailable("every connection that interactive"
          + " transactions may hold is held (half of DB_POOL_SIZE by default, GATEWAY_TX_MAX_OPEN); commit or roll"
          + " back one, or wait for one to time out")));
    }
    Lane lane = chosen;
    return lend(lane, true).onFailure(failure -> lane.transactions.decrementAndGet());
  }

  private static boolean claimTransaction(Lane lane) {
    while (true) {
      int held = lane.transactions.get();
      if (held >= lane.transactionShare) {
        return false;
      }
      if (lane.transactions.compareAndSet(held, held + 1)) {
        return true;
      }
    }
  }

  private Future<SqlConnection> lend(Lane lane, boolean transaction) {
    return lane.pool.getConnection().transform(got -> {
      if (got.succeeded()) {
        lent.put(got.result(), new Lease(lane, transaction));
        return Future.succeededFuture(got.result());
      }
      if (Failures.isPoolWaitTimeout(got.cause()) && lentBy(lane) >= lane.size) {
        return Future.failedFuture(busy(lane));
      }
      return Future.failedFuture(got.cause());
    });
  }

  /** How many connections {@code lane} has lent now: counted only when a wait times out, off the hot path. */
  private int lentBy(Lane lane) {
    int count = 0;
    for (Lease lease : lent.values()) {
      if (lease.lane() == lane) {
        count++;
      }
    }
    return count;
  }

  /** The answer when every connection of a lane stayed lent through a whole wait: load, not failure. */
  private GatewayException busy(Lane lane) {
    return new GatewayException(new Problem(ErrorCode.UNAVAILABLE, "all " + lane.size + " connections of this"
        + " gateway's pool to " + node + " stayed in use for the whole wait (GATEWAY_POOL_WAIT_TIMEOUT_MS): the"
        + " gateway is at capacity; retry shortly", null, null, null, true, Failures.RETRY_AFTER_SECONDS));
  }

  /** Whether {@code conn} was lent by this source and is not back yet. */
  public boolean lent(SqlConnection conn) {
    return lent.containsKey(conn);
  }

  /** Gives a connection back to its pool, as {@link #giveBack(SqlConnection, boolean)} with an unchanged session. */
  public Future<Void> giveBack(SqlConnection conn) {
    return giveBack(conn, false);
  }

  /**
   * Gives a connection back to its pool: a transaction's connection frees its lane's share too. A
   * session the work may have changed ({@link io.dbgateway.sql.SessionEffects}), or every session with
   * {@code GATEWAY_SESSION_RESET=always}, is reset first; if that fails the connection is closed, and
   * never lent again.
   */
  public Future<Void> giveBack(SqlConnection conn, boolean sessionChanged) {
    if (CANCELLED.contains(conn)) {
      return discard(conn);
    }
    if (!sessionChanged && !resetEverySession) {
      return returnToPool(conn);
    }
    return reset.reset(conn).transform(done -> {
      if (done.succeeded()) {
        return returnToPool(conn);
      }
      if (reset != SessionReset.REOPEN) {
        log.warn("closed a connection to {} whose session could not be reset: {}", node, done.cause().getMessage());
      }
      return discard(conn);
    });
  }

  private Future<Void> returnToPool(SqlConnection conn) {
    CANCELLED.remove(conn);
    Lease lease = lent.remove(conn);
    if (lease != null && lease.transaction()) {
      lease.lane().transactions.decrementAndGet();
    }
    return conn.close();
  }

  /**
   * Closes a lent connection for good: the pool forgets it and opens a new one when it needs one. For a
   * statement that outlived its deadline and could not be cancelled, and a session that could not be reset.
   */
  public Future<Void> discard(SqlConnection conn) {
    return closer.closeNow(conn).transform(done -> returnToPool(conn).otherwiseEmpty());
  }


  /** The connections lent now to work other than interactive transactions: shutdown cancels what they still run. */
  public List<SqlConnection> runningWork() {
    List<SqlConnection> running = new ArrayList<>();
    lent.forEach((conn, lease) -> {
      if (!lease.transaction()) {
        running.add(conn);
      }
    });
    return running;
  }

  private Lane lane() {
    if (lanes.size() == 1) {
      return lanes.get(0);
    }
    if (!Context.isOnEventLoopThread()) {
      return lanes.get(0);
    }
    Integer lane = LANE_OF_THREAD.get();
    if (lane == null) {
      lane = NEXT_LANE.getAndIncrement();
      LANE_OF_THREAD.set(lane);
    }
    return lanes.get(lane % lanes.size());
  }

  /**
   * How {@code size} connections are shared among {@code loops} event loops: one lane per loop, at most
   * one lane per connection, the remainder going to the first lanes.
   */
  public static List<Integer> laneSizes(int size, int loops) {
    int count = Math.max(1, Math.min(size, loops));
    List<Integer> sizes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sizes.add(size / count + (i < size % count ? 1 : 0));
    }
    return sizes;
  }

  /**
   * How many connections of each lane interactive transactions may hold: {@code maxTransactions} shared
   * out in proportion to the lanes' sizes (rounded down, the remainder to the lanes with room), never more
   * than a lane has.
   */
  public static List<Integer> transactionShares(List<Integer> laneSizes, int maxTransactions) {
    int total = laneSizes.stream().mapToInt(Integer::intValue).sum();
    List<Integer> shares = new ArrayList<>(laneSizes.size());
    int given = 0;
    for (int size : laneSizes) {
      int share = total == 0 ? 0 : Math.min(size, (int) ((long) size * maxTransactions / total));
      shares.add(share);
      given += share;
    }
    for (int i = 0; given < maxTransactions && i < shares.size(); i++) {
      if (shares.get(i) < laneSizes.get(i)) {
        shares.set(i, shares.get(i) + 1);
        given++;
      }
    }
    return shares;
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    lanes.forEach(lane -> closing.add(lane.pool.close()));
    if (reader != null) {
      closing.add(reader.pool.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
