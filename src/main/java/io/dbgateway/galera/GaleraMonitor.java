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
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every node of a Galera cluster on a dedicated connection per node and keeps the current
 * {@link ClusterView}. Each change of a node's state, and of the writer, is logged and published on
 * {@link #STATE_ADDRESS}.
 *
 * <p>The view is judged once per poll round, after every node's probe has answered (or timed out), so a
 * writer is never chosen from a partial view: every gateway instance that sees the same cluster picks the
 * same node. The writer is sticky, but not forever: once the node the rule prefers (priority, then lowest
 * {@code wsrep_local_index}) has been eligible and preferred for {@link #FAILBACK_ROUNDS} rounds in a row,
 * the writer moves back to it. Instances that lived through different failovers (or started after one)
 * therefore agree again shortly after the cluster settles, while a flapping node never takes the role.
 *
 * <p>In cluster mode the writer is not this instance's to choose alone: it is the {@link WriterAgreement}'s
 * shared choice, used only while the agreement trusts it, and sticky without failback. When the shared
 * writer is not eligible here, the monitor proposes its own choice by compare-and-set, and has no writer
 * until the shared choice has been read back: it never writes to a choice of its own.
 */
public final class GaleraMonitor {

  private static final Logger log = LoggerFactory.getLogger(GaleraMonitor.class);

  /** Where every change of the cluster view is published, as its JSON. */
  public static final String STATE_ADDRESS = "dbgateway.galera.state";

  /** Poll rounds in a row the rule's preferred writer must stay eligible before a sticky writer gives way to it. */
  public static final int FAILBACK_ROUNDS = 20;

  /**
   * Poll intervals after the cluster lost its writer during which it counts as re-forming rather than
   * without quorum: survivors that report non-Primary for a moment while they install a new view need two
   * good probes in a row again. Keyed writes wait that out ({@link GaleraNodeChooser}); after it, a cluster still
   * without a writer answers its fast 503.
   */
  public static final int REFORMING_POLLS = 4;

  private final Vertx vertx;
  private final DatabaseConfig db;
  private final GaleraConfig config;
  private final Map<HostAndPort, MySQLConnection> connections = new HashMap<>();
  private final Map<HostAndPort, NodeHealth> health = new HashMap<>();
  /** Nodes whose probe has not answered yet: the next poll skips them, so probes never queue up on one connection. */
  private final Set<HostAndPort> probing = new HashSet<>();
  private final AtomicReference<ClusterView> view;
  /** The shared writer choice of cluster mode, or null for a single instance. */
  private final WriterAgreement agreement;
  /** Told the writer's address each time the monitor takes the writer out (it is no longer eligible). */
  private final List<Consumer<HostAndPort>> writerOut = new CopyOnWriteArrayList<>();
  /** The node this instance last sent writes to and has not taken out since (null once taken out). */
  private HostAndPort lastWriter;
  /** When the view last lost its writer ({@link System#nanoTime}); the monitor starts without one. */
  private volatile long noWriterSince = System.nanoTime();
  private HostAndPort preferred;
  private int preferredRounds;
  private volatile boolean stopped;
  private long timer = -1;

  public GaleraMonitor(Vertx vertx, DatabaseConfig db, GaleraConfig config) {
    this(vertx, db, config, null);
  }

  /** @param agreement the writer choice shared by the instances of a cluster, or null for a single instance */
  public GaleraMonitor(Vertx vertx, DatabaseConfig db, GaleraConfig config, WriterAgreement agreement) {
    this.vertx = vertx;
    this.agreement = agreement;
    this.db = db;
    this.config = config;
    this.view = new AtomicReference<>(ClusterView.empty(db.hosts()));
    db.hosts().forEach(node -> health.put(node, NodeHealth.initial()));
    if (agreement != null) {
      agreement.onChange(this::reconsider);
    }
  }

  /**
   * The cluster as the last round judged it. In cluster mode its writer is the shared choice, and only
   * while the agreement trusts it (checked now, not at the last round: an instance just resumed from a
   * pause has not polled yet): otherwise there is no writer, and writes answer 503.
   */
  public ClusterView view() {
    ClusterView current = view.get();
    if (agreement != null && current.writer() != null && agreement.refusal() != null) {
      return new ClusterView(current.nodes(), null);
    }
    return current;
  }

  /** Why this instance has no writer although it may have an eligible one (cluster mode), or null. */
  public String writerRefusal() {
    return agreement == null ? null : agreement.refusal();
  }

  /**
   * Calls {@code listener} with the writer each time the monitor takes it out of routing (it is no longer
   * eligible: down, or out of the Primary Component), on the thread that judged it: work still running on
   * it may never be answered (a node cut off by the network), and may be given up.
   */
  public void onWriterOut(Consumer<HostAndPort> listener) {
    writerOut.add(listener);
  }

  /**
   * Whether the cluster lost its writer less than {@link #REFORMING_POLLS} poll intervals ago (and has none
   * now): it may be re-forming after a failover, rather than without quorum.
   */
  public boolean reforming() {
    return view.get().writer() == null
        && System.nanoTime() - noWriterSince < REFORMING_POLLS * config.pollInterval().toNanos();
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
    stopped = true;
    if (agreement != null) {
      agreement.close();
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> closing = connections.values().stream().map(MySQLConnection::close).toList();
    connections.clear();
    return Future.join(closing).mapEmpty();
  }

  /**
   * Live traffic found {@code node} refusing work (error 1047, 1180) or gone (connection refused or reset):
   * it is down at once, and needs two passing probes to come back.
   */
  public synchronized void markDown(HostAndPort node, String reason) {
    NodeHealth before = health.getOrDefault(node, NodeHealth.initial());
    if (!before.up() && before.passes() == 0) {
      return; // down already: every failed request of a dead node would otherwise judge the cluster again
    }
    health.put(node, before.failed(reason));
    recompute(currentWriter());
  }

  /** The writer to keep while it stays eligible: this instance's own, or the shared one in cluster mode. */
  private HostAndPort currentWriter() {
    return agreement == null ? view.get().writer() : agreement.agreed();
  }

  /** The shared choice (or this instance's standing) may have changed: judge again. */
  private synchronized void reconsider() {
    if (!stopped) {
      recompute(currentWriter());
    }
  }

  /** One round: probe every node, then judge the cluster once, on the whole round's results. */
  private Future<ClusterView> pollAll() {
    if (stopped) {
      return Future.succeededFuture(view.get());
    }
    List<Future<Void>> probes = db.hosts().stream().map(this::poll).toList();
    return Future.join(probes).transform(done -> {
      endOfRound();
      // In cluster mode each round also reads the shared choice again: that keeps it trusted (the agreement's
      // lease), and picks up a change whose notification was lost.
      return (agreement == null ? Future.<Void>succeededFuture() : agreement.refresh())
          .transform(read -> Future.succeededFuture(view.get()));
    });
  }

  /** Counts the rounds the rule's preferred writer has held, and judges the view, failing back when it is time. */
  private synchronized void endOfRound() {
    HostAndPort rule = ClusterView.judge(health, db.hosts(), null, config.writerPriority(), config.maxRecvQueue()).writer();
    preferredRounds = rule != null && rule.equals(preferred) ? preferredRounds + 1 : 1;
    preferred = rule;
    HostAndPort current = currentWriter();
    // In cluster mode the instances share one writer, so failback has nothing to reconcile: the writer stays
    // where the shared choice put it while it is eligible (instances with different priority lists would
    // otherwise move it back and forth).
    boolean failback = agreement == null && rule != null && current != null && !rule.equals(current) && preferredRounds >= FAILBACK_ROUNDS;
    if (failback) {
      log.info("galera writer fails back to {}: it has been the preferred eligible node for {} polls", rule,
          preferredRounds);
    }
    recompute(failback ? rule : current);
  }

  private Future<Void> poll(HostAndPort node) {
    synchronized (this) {
      if (!probing.add(node)) {
        // The previous probe is still out (it times out on its own): a second one would queue behind it on
        // the same connection, and its failure when that connection is dropped would count as an error.
        return Future.succeededFuture();
      }
    }
    return connection(node)
        .compose(conn -> conn.query(ProbeResult.QUERY).execute()
            .timeout(config.probeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .map(rows -> parse(rows.iterator().next()))
        .andThen(result -> {
          synchronized (this) {
            probing.remove(node);
          }
          record(node, result.result(), result.cause());
        })
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
  }

  private void recompute(HostAndPort previousWriter) {
    ClusterView before = view.get();
    ClusterView after = ClusterView.judge(health, db.hosts(), previousWriter, config.writerPriority(),
        config.maxRecvQueue());
    if (agreement != null) {
      after = agreed(after);
    }
    view.set(after);
    if (before.writer() != null && after.writer() == null) {
      noWriterSince = System.nanoTime();
    }
    HostAndPort out = lastWriter;
    if (out != null && tookOut(out, after)) {
      lastWriter = null;
      writerOut.forEach(listener -> listener.accept(out));
    }
    if (after.writer() != null) {
      lastWriter = after.writer();
    }
    boolean changed = !Objects.equals(before.writer(), after.writer());
    for (int i = 0; i < after.nodes().size(); i++) {
      NodeView b = before.nodes().get(i);
      NodeView a = after.nodes().get(i);
      if (!b.sameState(a)) {
        changed = true;
        String why = String.join("; ", a.reasons());
        log.info("galera node {} is now {}{}", a.node(), a.eligible() ? "ELIGIBLE" : a.up() ? "UP but not eligible" : "DOWN",
            why.isEmpty() ? "" : ": " + (why.startsWith("down: ") ? why.substring("down: ".length()) : why));
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

  /**
   * Whether writes that went to {@code node} were taken away from it in {@code after}: it is no longer
   * eligible here, or (cluster mode) the shared choice moved to another node, which another instance does
   * only when it judged {@code node} not eligible. This instance may not see that yet (its probes of a node
   * cut off by the network have not timed out), and may never see it as the writer's fall: by then its
   * writer is the new one. Either way, work still running on {@code node} may never be answered.
   */
  private boolean tookOut(HostAndPort node, ClusterView after) {
    if (node.equals(after.writer())) {
      return false;
    }
    boolean eligible = after.nodes().stream().anyMatch(n -> n.node().equals(node) && n.eligible());
    return !eligible || (agreement != null && after.writer() != null);
  }

  /** Whether {@code node} takes this instance's writes now (it is the writer of the current view). */
  public boolean writesTo(HostAndPort node) {
    return node.equals(view().writer());
  }

  /**
   * Cluster mode: the judged view keeps its writer only if it is the shared choice. A writer of this
   * instance's own (the shared one is not eligible here) is proposed in its place,
   * and until the shared choice is read back there is no writer here.
   */
  private ClusterView agreed(ClusterView judged) {
    HostAndPort shared = agreement.agreed();
    HostAndPort mine = judged.writer();
    if (mine == null || mine.equals(shared)) {
      return judged;
    }
    agreement.propose(shared, mine);
    return new ClusterView(judged.nodes(), null);
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
    Future<MySQLConnection> connecting = MySQLConnection.connect(vertx, options);
    return connecting
        .timeout(config.probeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onFailure(timedOut -> connecting.onSuccess(MySQLConnection::close)) // a late connection is closed, not leaked
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
    JsonObject json = view().toJson();
    return agreement == null ? json : json.put("agreement", agreement.toJson());
  }
}
