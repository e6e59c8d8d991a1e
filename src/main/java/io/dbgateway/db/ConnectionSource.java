package io.dbgateway.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where statements get a connection to one node.
 *
 * <p>A server's connections are split into <em>lanes</em>, one pool per event loop: each pool is built
 * with {@code eventLoopSize(0)}, so its connections live on the loop of the requests that opened them,
 * and each event-loop thread always takes its connections from its own lane. A request therefore runs
 * from the HTTP parse to the reply on the one event loop that accepted it, with no hand-off to another
 * thread. The lanes' sizes add up to the configured pool size (see {@link #laneSizes}).
 *
 * <p>SQLite has one lane: a writer pool of one connection, and read-only connections in a pool of their
 * own that read-only work uses.
 */
public final class ConnectionSource {

  /** The lane number of each event-loop thread, handed out in the order threads first ask. */
  private static final ThreadLocal<Integer> LANE_OF_THREAD = new ThreadLocal<>();
  private static final AtomicInteger NEXT_LANE = new AtomicInteger();

  private final List<Pool> lanes;
  private final Pool reader;
  private final String node;

  /**
   * @param lanes the writer pools, one per lane (a single one for SQLite)
   * @param reader where read-only work goes, or null to use the lanes
   * @param node the node these pools reach, reported in every result
   */
  public ConnectionSource(List<Pool> lanes, Pool reader, String node) {
    this.lanes = List.copyOf(lanes);
    this.reader = reader;
    this.node = node;
  }

  public static ConnectionSource single(Pool pool, String node) {
    return new ConnectionSource(List.of(pool), null, node);
  }

  /** The node these pools reach, reported in every result: host:port, or the SQLite file. */
  public String node() {
    return node;
  }

  /** A connection of the calling event loop's lane; read-only work may use the read pool. */
  public Future<SqlConnection> connection(boolean readOnly) {
    return (readOnly && reader != null ? reader : lane()).getConnection();
  }

  private Pool lane() {
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

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    lanes.forEach(pool -> closing.add(pool.close()));
    if (reader != null) {
      closing.add(reader.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
