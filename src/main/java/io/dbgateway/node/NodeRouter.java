package io.dbgateway.node;

import io.vertx.core.Future;
import java.util.List;

/** Chooses the node each unit runs on: the one server, or a Galera cluster's writer and readers. */
public interface NodeRouter {

  /**
   * The route for a unit: the chosen node's route to {@code database}.
   *
   * @param write whether the unit may write; writes go to the one writer
   * @param strong whether a read must see every acknowledged write (read-your-writes)
   * @param database the database the unit names, or null for {@code DB_NAME}
   * @throws io.dbgateway.error.GatewayException 503 when no node may take the unit
   */
  Route route(boolean write, boolean strong, String database);

  /** The route for a unit that needs {@code access}, to {@code database} (null: {@code DB_NAME}). */
  default Route route(Access access, String database) {
    return route(access.write(), access.strong(), database);
  }

  /** The route for a unit on {@code DB_NAME}. */
  default Route route(Access access) {
    return route(access, null);
  }

  /**
   * Live traffic found {@code node} refusing work (Galera error 1047, 1180) or gone (connection refused or
   * reset): stop routing to it at once.
   */
  default void refused(String node, String reason) {}

  /**
   * Calls {@code listener} with a node's name each time the node that took writes is taken out of routing
   * (a Galera writer no longer eligible). A single server is never taken out.
   */
  default void onWriterOut(java.util.function.Consumer<String> listener) {}

  /** Every node, with its routes. */
  List<NodeRoutes> nodes();

  /** {@code DB_NAME}: the database of units that name none. */
  default String mainDatabase() {
    return nodes().get(0).main().database();
  }

  /** Each node's route to {@code DB_NAME}: the routes readiness and the node's health are about. */
  default List<Route> routes() {
    return nodes().stream().map(NodeRoutes::main).toList();
  }

  /** Every route made so far, to every database: shutdown cancels and closes them all. */
  default List<Route> openedRoutes() {
    return nodes().stream().flatMap(node -> node.opened().stream()).toList();
  }

  default Future<Void> close() {
    return Future.join(nodes().stream().map(NodeRoutes::close).toList()).mapEmpty();
  }

  /** A single server: every unit runs on it. */
  static NodeRouter single(NodeRoutes node) {
    return new NodeRouter() {
      @Override
      public Route route(boolean write, boolean strong, String database) {
        return node.route(database);
      }

      @Override
      public List<NodeRoutes> nodes() {
        return List.of(node);
      }
    };
  }
}
