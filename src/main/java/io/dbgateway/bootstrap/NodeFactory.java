package io.dbgateway.bootstrap;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.driver.Dialect;
import io.dbgateway.driver.Driver;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.node.Access;
import io.dbgateway.node.LanedPool;
import io.dbgateway.node.NodeChooser;
import io.dbgateway.node.Node;
import io.dbgateway.node.NodeDatabase;
import io.dbgateway.resilience.NodeBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Opens each node's pools and breakers, per database, as the driver and dialect build them. */
final class NodeFactory {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Driver driver;
  private final Dialect dialect;
  private final GatewayMetrics metrics;

  NodeFactory(Vertx vertx, GatewayConfig config, Driver driver, Dialect dialect, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.driver = driver;
    this.dialect = dialect;
    this.metrics = metrics;
  }

  /** A node with its databases: DB_NAME opened now, to each other database of GATEWAY_DATABASES on its first request. */
  Node of(HostAndPort node) {
    return new Node(open(node, config.database()), name -> open(node, config.database().forDatabase(name)));
  }

  /**
   * The pools and breaker of one database on a node, named as results report the node: host:port, or the
   * SQLite file; another database's breaker is {@code <database>@<node>}.
   */
  private NodeDatabase open(HostAndPort node, DatabaseConfig database) {
    LanedPool connections =
        driver.connections(vertx, database, config.pool(), node, config.query().defaultTimeoutMs(),
            config.transactions().maxOpen(), dialect.sessionReset());
    LanedPool readOnly =
        driver.readOnlyConnections(vertx, database, config.pool(), node, config.query().defaultTimeoutMs(),
            config.transactions().maxOpen(), dialect.sessionReset());
    String breakerName = database.isMain() ? connections.node() : database.name() + "@" + connections.node();
    NodeBreaker breaker = new NodeBreaker(vertx, breakerName, config.resilience(), driver);
    metrics.breaker(breaker);
    return new NodeDatabase(connections.node(), database.name(), connections, readOnly, breaker);
  }

  /**
   * With {@code DB_READ_USER} set, that it logs in (to the node strong reads go to: the one node, or the
   * Galera writer), so a wrong login stops start-up with its reason rather than failing every read later.
   */
  static Future<Void> readOnlyLoginWorks(NodeChooser chooser, DatabaseConfig database) {
    if (database.readUser() == null) {
      return Future.succeededFuture();
    }
    NodeDatabase nodeDb = chooser.choose(Access.STRONG_READ);
    LanedPool source = nodeDb.readConnections();
    return source.connection(true)
        .compose(conn -> conn.query("SELECT 1").execute().andThen(done -> source.giveBack(conn)))
        .<Void>mapEmpty()
        .recover(failure -> Future.failedFuture(new StartupException("DB_READ_USER could not log in to "
            + nodeDb.node() + ": " + failure.getMessage())));
  }
}
