package io.dbgateway.node;

import io.dbgateway.resilience.NodeBreaker;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * One database on one node, where a unit runs: its pools and its circuit breaker ({@link NodeChooser}
 * chooses it for each unit). Each database of {@code GATEWAY_DATABASES} has one of its own on each node
 * ({@link Node}), so a database that fails cannot open the breaker of another.
 *
 * @param node the node, as results report it and the chooser names it: host:port, or the SQLite file
 * @param database the database, as requests name it
 * @param connections the pools that log in as {@code DB_USER}
 * @param readConnections the pools that log in as the read-only {@code DB_READ_USER}, or null when it is
 *     not set: read-only work then uses {@code connections} too
 */
public record NodeDatabase(String node, String database, LanedPool connections, LanedPool readConnections, NodeBreaker breaker) {

  /** Where work of this kind gets its connection: read-only work on the read-only login when there is one. */
  public LanedPool pool(boolean readOnly) {
    return readOnly && readConnections != null ? readConnections : connections;
  }

  /** Gives a connection of this database back to the pool it came from, its session unchanged. */
  public Future<Void> giveBack(SqlConnection conn) {
    return giveBack(conn, false);
  }

  /** Gives a connection of this database back to the pool it came from, its session reset first if work may have changed it. */
  public Future<Void> giveBack(SqlConnection conn, boolean sessionChanged) {
    return poolOf(conn).giveBack(conn, sessionChanged);
  }

  /** Closes a lent connection of this database for good (see {@link LanedPool#discard}). */
  public Future<Void> discard(SqlConnection conn) {
    return poolOf(conn).discard(conn);
  }

  private LanedPool poolOf(SqlConnection conn) {
    return readConnections != null && readConnections.lent(conn) ? readConnections : connections;
  }

  /** The connections lent now to work other than interactive transactions, in every pool of this database. */
  public List<SqlConnection> runningWork() {
    List<SqlConnection> running = new ArrayList<>(connections.runningWork());
    if (readConnections != null) {
      running.addAll(readConnections.runningWork());
    }
    return running;
  }

  public Future<Void> close() {
    return readConnections == null ? connections.close()
        : Future.join(connections.close(), readConnections.close()).mapEmpty();
  }
}
