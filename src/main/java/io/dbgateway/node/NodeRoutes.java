package io.dbgateway.node;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The routes of one database node, one per database: {@code DB_NAME}'s, made at start-up, and one for each
 * other database of {@code GATEWAY_DATABASES}, made on the first unit that names it, so a database no
 * request uses never holds a connection.
 */
public final class NodeRoutes {

  private final Route main;
  private final Function<String, Route> open;
  private final Map<String, Route> others = new ConcurrentHashMap<>();

  /**
   * @param main the route to {@code DB_NAME}
   * @param open makes the route to another database of the node; requests name only databases the
   *     configuration serves (the request parser checks them)
   */
  public NodeRoutes(Route main, Function<String, Route> open) {
    this.main = main;
    this.open = open;
  }

  /** The route to {@code DB_NAME}: what readiness and the node's health are about. */
  public Route main() {
    return main;
  }

  /** The route to {@code database}; null names {@code DB_NAME}. */
  public Route route(String database) {
    return database == null || database.equals(main.database()) ? main : others.computeIfAbsent(database, open);
  }

  /** Every route made so far: {@code DB_NAME}'s first. */
  public List<Route> opened() {
    List<Route> routes = new ArrayList<>();
    routes.add(main);
    routes.addAll(others.values());
    return routes;
  }

  public Future<Void> close() {
    return Future.join(opened().stream().map(Route::close).toList()).mapEmpty();
  }
}
