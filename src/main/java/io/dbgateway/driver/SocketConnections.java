package io.dbgateway.driver;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.concurrent.TimeUnit;

/**
 * Closes a pooled connection of the Vert.x SQL clients over a socket (PostgreSQL, MySQL/MariaDB) at once
 * ({@link io.dbgateway.node.LanedPool.Closer}). No public API does: {@code SqlConnection.close()}
 * gives a pooled connection back to its pool, and the driver's own close sends Terminate and waits for the
 * server to end the connection, which it does only after the statement it runs. So this reaches the
 * socket through the SQL client's internals (5.0: {@code SqlConnectionInternal}, {@code SocketConnectionBase}).
 */
public final class SocketConnections {

  private static final long CLOSE_WAIT_MS = 5_000;

  private SocketConnections() {}

  /**
   * Closes the socket of {@code conn} now, not after what it still runs (a statement past its deadline), and
   * completes once its pool has forgotten it: a pool forgets a connection right after telling its holder it
   * closed, so the pool cannot lend it again.
   */
  public static Future<Void> closeNow(SqlConnection conn) {
    Connection underlying = ((SqlConnectionInternal) conn).unwrap().unwrap();
    if (!(underlying instanceof SocketConnectionBase socket)) {
      return conn.close();
    }
    Promise<Void> removed = Promise.promise();
    conn.closeHandler(v -> Vertx.currentContext().runOnContext(x -> removed.tryComplete()));
    if (socket.isValid()) {
      // Closed from the head of the pipeline, below the driver's own close.
      socket.socket().channelHandlerContext().pipeline().firstContext().close();
    } else {
      removed.tryComplete();
    }
    return removed.future().timeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
  }
}
