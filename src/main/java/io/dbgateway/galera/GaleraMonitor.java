package io.dbgateway.galera;

import io.dbgateway.config.DatabaseConfig;
import io.dbgateway.config.GaleraConfig;
import io.dbgateway.config.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every node of a Galera cluster on a dedicated connection per node and keeps the current
 * {@link ClusterView}. Each change of a node's state, and of the writer, is logged and published on
 * {@link #STATE_ADDRESS}.
 */
public final class GaleraMonitor {

  private static final Logger log = LoggerFactory.getLogger(GaleraMonitor.class);

  /** Where every change of the cluster view is published, as its JSON. */
  public static final String STATE_ADDRESS = "dbgateway.galera.state";

  private final Vertx vertx;
  private final DatabaseConfig db;
  private final GaleraConfig config;
  private final Map<HostAndPort, MySQLConnection> connections = new HashMap<>();
  private final Map<HostAndPort, NodeHealth> health = new HashMap<>();
  private final AtomicReference<ClusterView> view;
  private long timer = -1;

  public GaleraMonitor(Vertx vertx, DatabaseConfig db, GaleraConfig config) {
    this.vertx = vertx;
    this.db = db;
    this.config = config;
    this.view = new AtomicReference<>(ClusterView.empty(db.hosts()));
    db.hosts().forEach(node -> health.put(node, NodeHealth.initial()));
  }

  public ClusterView view() {
    return view.get();
  }

  /** Polls now and then every poll interval; completes after the first complete poll. */
  public Future<ClusterView> start() {
    return pollAll().onComplete(first -> timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> pollAll()));
  }

  /** Polls until a writer is known or {@code attempts} polls passed: nodes need two passing probes. */
  public Future<ClusterView> awaitWriter(int attempts) {
    if (view.get().writer() != null || attempts <= 0) {
      return Future.succeededFuture(view.get());
    }
    return vertx.timer(config.pollInterval().toMillis()).compose(t -> awaitWriter(attempts - 1));
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> closing = connections.values().stream().map(MySQLConnection::close).toList();
    connections.clear();
    return Future.join(closing).mapEmpty();
  }

  /** Live traffic saw error 1047 on {@code node}: it refused work, so it is down at once. */
  public synchronized void markDown(HostAndPort node, String reason) {
    health.put(node, health.getOrDefault(node, NodeHealth.initial()).failed(reason));
    recompute();
  }

  private Future<ClusterView> pollAll() {
    List<Future<Void>> probes = db.hosts().stream().map(this::poll).toList();
    return Future.join(probes).transform(done -> Future.succeededFuture(view.get()));
  }

  private Future<Void> poll(HostAndPort node) {
    return connection(node)
        .compose(conn -> conn.query(ProbeResult.QUERY).execute()
            .timeout(config.probeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .map(rows -> parse(rows.iterator().next()))
        .onComplete(result -> record(node, result.result(), result.cause()))
        .mapEmpty();
  }

  private synchronized void record(HostAndPort node, ProbeResult result, Throwable failure) {
    NodeHealth before = health.getOrDefault(node, NodeHealth.initial());
    NodeHealth after;
    if (failure == null) {
      after = before.passed(result);
    } else {
      dropConnection(node);
      boolean timeout = failure instanceof java.util.concurrent.TimeoutException;
      String reason = (timeout ? "probe timed out: " : "probe failed: ") + failure.getMessage();
      after = timeout ? before.timedOut(reason) : before.failed(reason);
    }
    health.put(node, after);
    recompute();
  }

  private void recompute() {
    ClusterView before = view.get();
    ClusterView after = ClusterView.judge(health, db.hosts(), before.writer(), config.writerPriority(),
        config.maxRecvQueue());
    view.set(after);
    boolean changed = !Objects.equals(before.writer(), after.writer());
    for (int i = 0; i < after.nodes().size(); i++) {
      NodeView b = before.nodes().get(i);
      NodeView a = after.nodes().get(i);
      if (b.up() != a.up() || b.eligible() != a.eligible() || b.readable() != a.readable()) {
        changed = true;
        log.info("galera node {} is now {}{}", a.node(), a.eligible() ? "ELIGIBLE" : a.up() ? "UP but not eligible" : "DOWN",
            a.reasons().isEmpty() ? "" : ": " + String.join("; ", a.reasons()));
      }
    }
    if (!Objects.equals(before.writer(), after.writer())) {
      log.warn("galera writer is now {} (was {})", after.writer() == null ? "NONE: writes answer 503" : after.writer(),
          before.writer());
    }
    if (changed) {
      vertx.eventBus().publish(STATE_ADDRESS, after.toJson());
    }
  }

  private Future<MySQLConnection> connection(HostAndPort node) {
    MySQLConnection existing;
    synchronized (this) {
      existing = connections.get(node);
    }
    if (existing != null) {
      return Future.succeededFuture(existing);
    }
    MySQLConnectOptions options = new MySQLConnectOptions().setHost(node.host()).setPort(node.port())
        .setDatabase(db.name()).setUser(db.user()).setPassword(db.password());
    return MySQLConnection.connect(vertx, options)
        .timeout(config.probeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .andThen(connected -> {
          if (connected.succeeded()) {
            synchronized (this) {
              connections.put(node, connected.result());
            }
          }
        });
  }

  private synchronized void dropConnection(HostAndPort node) {
    MySQLConnection conn = connections.remove(node);
    if (conn != null) {
      conn.close();
    }
  }

  private static ProbeResult parse(Row row) {
    return new ProbeResult(
        "ON".equalsIgnoreCase(row.getString("ready")),
        row.getString("cluster_status"),
        parseInt(row.getString("local_state")),
        row.getString("cluster_uuid"),
        parseInt(row.getString("local_index")),
        parseInt(row.getString("recv_queue")),
        truthy(row.getValue("desync")),
        String.valueOf(row.getValue("reject_queries")),
        truthy(row.getValue("read_only")));
  }

  private static int parseInt(String value) {
    try {
      return value == null ? -1 : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean truthy(Object value) {
    return value instanceof Number n ? n.longValue() != 0 : "ON".equalsIgnoreCase(String.valueOf(value)) || "1".equals(String.valueOf(value));
  }

  public JsonObject toJson() {
    return view.get().toJson();
  }
}
