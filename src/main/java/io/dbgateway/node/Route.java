package io.dbgateway.node;

import io.dbgateway.resilience.NodeBreaker;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * One database on one node, where a unit runs: its pools and its circuit breaker. Each database of
 * {@code GATEWAY_DATABASES} has a route of its own on each node ({@link NodeRoutes}), so a database that
 * fails cannot open the breaker of another.
 *
 * @param node the node, as results report it and routing names it: host:port, or the SQLite file
 * @param database the database, as requests name it
 * @param connections the pools that log in as {@code DB_USER}
 * @param readConnections the pools that log in as the read-only {@code DB_READ_USER}, or null when it is
 *     not set: read-only work then uses {@code connections} too
 */
public record Route(String node, String database, ConnectionSource connections, ConnectionSource readConnections, NodeBreaker breaker) {

  /** Where work of this kind gets its connection: read-only work on the read-only login when there is one. */
  public ConnectionSource source(boolean readOnly) {
    return readOnly && readConnections != null ? readConnections : connections;
  }

  /** Gives a connection of this route back to the pool it came from, its session unchanged. */
  public Future<Void> giveBack(SqlConnection conn) {
    return giveBack(conn, false);
  }

  /** Gives a connection of this route back to the pool it came from, its session reset first if work may have changed it. */
  public Future<Void> giveBack(SqlConnection conn, boolean sessionChanged) {
    return sourceOf(conn).giveBack(conn, sessionChanged);
  }

  /** Closes a lent connection of this route for good (see {@link ConnectionSource#discard}). */
  public Future<Void> discard(SqlConnection conn) {
    return sourceOf(conn).discard(conn);
  }

  private ConnectionSource sourceOf(SqlConnection conn) {
    return readConnections != null && readConnections.lent(conn) ? readConnections : connections;
  }

  /** The connections lent now to work other than interactive transactions, in every pool of the node. */
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
