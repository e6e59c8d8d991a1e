package io.dbgateway.db;

import io.vertx.core.Future;
import java.util.List;

/** Chooses the node each unit runs on: the one server, or a Galera cluster's writer and readers. */
public interface NodeRouter {

  /**
   * The node for a unit.
   *
   * @param write whether the unit may write; writes go to the one writer
   * @param strong whether a read must see every acknowledged write (read-your-writes)
   * @throws io.dbgateway.error.GatewayException 503 when no node may take the unit
   */
  Route route(boolean write, boolean strong);

  /** Live traffic found {@code node} refusing work (Galera error 1047): stop routing to it at once. */
  default void refused(String node, String reason) {}

  List<Route> routes();

  default Future<Void> close() {
    return Future.join(routes().stream().map(Route::close).toList()).mapEmpty();
  }

  /** A single server: every unit runs on it. */
  static NodeRouter single(Route route) {
    return new NodeRouter() {
      @Override
      public Route route(boolean write, boolean strong) {
        return route;
      }

      @Override
      public List<Route> routes() {
        return List.of(route);
      }
    };
  }
}
