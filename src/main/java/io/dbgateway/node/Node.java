package io.dbgateway.node;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One database node (the one server, or one node of a Galera cluster) with each database it serves, a
 * {@link NodeDatabase} each: {@code DB_NAME}'s, opened at start-up, and one for each other database of
 * {@code GATEWAY_DATABASES}, opened on the first unit that names it, so a database no request uses never
 * holds a connection.
 */
public final class Node {

  private final NodeDatabase main;
  private final Function<String, NodeDatabase> open;
  private final Map<String, NodeDatabase> others = new ConcurrentHashMap<>();

  /**
   * @param main {@code DB_NAME} on this node
   * @param open opens another database of the node; requests name only databases the configuration
   *     serves (the request parser checks them)
   */
  public Node(NodeDatabase main, Function<String, NodeDatabase> open) {
    this.main = main;
    this.open = open;
  }

  /** {@code DB_NAME} on this node: what readiness and the node's health are about. */
  public NodeDatabase main() {
    return main;
  }

  /** {@code database} on this node; null names {@code DB_NAME}. */
  public NodeDatabase database(String database) {
    return database == null || database.equals(main.database()) ? main : others.computeIfAbsent(database, open);
  }

  /** Every database opened so far: {@code DB_NAME}'s first. */
  public List<NodeDatabase> opened() {
    List<NodeDatabase> opened = new ArrayList<>();
    opened.add(main);
    opened.addAll(others.values());
    return opened;
  }

  public Future<Void> close() {
    return Future.join(opened().stream().map(NodeDatabase::close).toList()).mapEmpty();
  }
}
