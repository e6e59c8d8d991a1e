package io.dbgateway.node;

import io.vertx.core.Future;
import java.util.List;

/**
 * Chooses the node each unit runs on, among every {@link Node} the gateway reaches: the one server, or a
 * Galera cluster's writer and readers. It only chooses; {@code db.NodeCalls} runs the work on the choice.
 */
public interface NodeChooser {

  /**
   * The database a unit runs on: {@code database} on the node chosen for what the unit needs.
   *
   * @param access a write (to the one writer), or a read as consistent as it asks
   * @param database the database the unit names, or null for {@code DB_NAME}
   * @throws io.dbgateway.error.GatewayException 503 when no node may take the unit
   */
  NodeDatabase choose(Access access, String database);

  /** The database a unit on {@code DB_NAME} that needs {@code access} runs on. */
  default NodeDatabase choose(Access access) {
    return choose(access, null);
  }

  /**
   * Live traffic found {@code node} refusing work (Galera error 1047, 1180) or gone (connection refused or
   * reset): stop choosing it at once.
   */
  default void refused(String node, String reason) {}

  /**
   * Calls {@code listener} with a node's name each time the node that took writes is taken out of routing
   * (a Galera writer no longer eligible). A single server is never taken out.
   */
  default void onWriterOut(java.util.function.Consumer<String> listener) {}

  /** Whether {@code node} is the node writes go to now. A single server always is. */
  default boolean writesTo(String node) {
    return true;
  }

  /** Every node, with its databases. */
  List<Node> nodes();

  /** {@code DB_NAME}: the database of units that name none. */
  default String mainDatabase() {
    return nodes().get(0).main().database();
  }

  /** Each node's {@code DB_NAME}: what readiness and the node's health are about. */
  default List<NodeDatabase> mainDatabases() {
    return nodes().stream().map(Node::main).toList();
  }

  /** Every database opened so far, on every node: shutdown cancels and closes them all. */
  default List<NodeDatabase> openedDatabases() {
    return nodes().stream().flatMap(node -> node.opened().stream()).toList();
  }

  default Future<Void> close() {
    return Future.join(nodes().stream().map(Node::close).toList()).mapEmpty();
  }

  /** A single server: every unit runs on it. */
  static NodeChooser single(Node node) {
    return new NodeChooser() {
      @Override
      public NodeDatabase choose(Access access, String database) {
        return node.database(database);
      }

      @Override
      public List<Node> nodes() {
        return List.of(node);
      }
    };
  }
}
