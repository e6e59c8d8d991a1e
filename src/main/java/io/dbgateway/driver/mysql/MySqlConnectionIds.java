package io.dbgateway.driver.mysql;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The server's id of every pooled MySQL/MariaDB connection, learned when it opens ({@code CONNECTION_ID()}
 * in the session setup), so that a statement running on it can be stopped from another connection with
 * {@code KILL QUERY}: the protocol has no cancel request of its own. Keyed by the driver's connection,
 * which stays the same however many times the pool lends it; forgotten with it.
 */
final class MySqlConnectionIds {

  /** Where a connection's statements can be killed from: its server, as the pool reached it, and its id there. */
  record Target(Vertx vertx, MySQLConnectOptions server, long connectionId) {}

  private static final Map<Object, Target> TARGETS = Collections.synchronizedMap(new WeakHashMap<>());

  private MySqlConnectionIds() {}

  /** Runs the session setup on a new connection and remembers its id. */
  static Future<Void> setUp(Vertx vertx, MySQLConnectOptions server, SqlConnection conn) {
    return conn.query("SELECT CONNECTION_ID()").execute()
        .compose(rows -> {
          TARGETS.put(driverConnection(conn), new Target(vertx, server, rows.iterator().next().getLong(0)));
          return conn.query(MySqlDialect.sessionSetup()).execute();
        })
        .mapEmpty();
  }

  /**
   * Sends {@code KILL QUERY} for the statement running on {@code conn}, on a short-lived connection of its
   * own: the pool may have none to spare. Fails when the id is unknown or the server cannot be reached.
   */
  static Future<Void> killQuery(SqlConnection conn) {
    Target target = TARGETS.get(driverConnection(conn));
    if (target == null) {
      return Future.failedFuture("the server's id of this connection is unknown");
    }
    return MySQLConnection.connect(target.vertx(), new MySQLConnectOptions(target.server()))
        .compose(killer -> killer.query("KILL QUERY " + target.connectionId()).execute()
            .eventually(killer::close))
        .mapEmpty();
  }

  // Vert.x internals (SqlConnectionInternal): a pooled connection hides the driver connection whose
  // server-side id KILL QUERY needs, and no public API gives the id.
  private static Object driverConnection(SqlConnection conn) {
    return ((SqlConnectionInternal) conn).unwrap().unwrap();
  }
}
