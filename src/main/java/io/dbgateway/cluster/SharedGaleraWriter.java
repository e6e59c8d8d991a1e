package io.dbgateway.cluster;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.dbgateway.config.ClusterConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.galera.WriterAgreement;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Galera writer shared by every gateway instance of a cluster: one entry of a clustered map
 * ({@value #MAP}, a Hazelcast {@code IMap} through Vert.x's cluster manager), keyed per Galera cluster
 * (its node list), holding {@code "<epoch> <host:port>"}. It changes only by compare-and-set
 * ({@code replaceIfPresent}, or {@code putIfAbsent} for the first choice), so when instances propose
 * different writers at once, one wins and the others read it back. A change reaches the other instances
 * through Hazelcast's entry events, and every poll round reads the entry again.
 *
 * <p>An instance trusts the choice it read (and may propose a new one) only while:
 * <ul>
 *   <li>it sees a majority of the gateway instances listed in {@code GATEWAY_CLUSTER_MEMBERS} (with itself)
 *       among the cluster's members, so an instance cut off from the others, which Hazelcast then runs as a
 *       cluster of its own with its own copy of the map, never writes;</li>
 *   <li>it read the entry within the lease ({@link #lease}), so an instance that cannot reach the map stops
 *       writing to what it read last;</li>
 *   <li>it was not paused recently: after a pause that may have let the failure detector drop it (SIGSTOP, a
 *       long GC), it waits {@link #HOLD} for Hazelcast to notice, then reads the entry again.</li>
 * </ul>
 * Otherwise the instance has no writer, and writes answer 503 (keyed writes wait for it within their
 * deadline). docs/cluster.md says what a client sees.
 */
public final class SharedGaleraWriter implements WriterAgreement {

  private static final Logger log = LoggerFactory.getLogger(SharedGaleraWriter.class);

  /** The clustered map of writer choices, one entry per Galera cluster. */
  public static final String MAP = "dbgateway.galera.writer";
  /** How often the instance checks that its event loop was not paused. */
  static final long TICK_MS = 500;
  /** A gap this long between ticks is a pause that may have let the failure detector drop this member. */
  static final Duration PAUSE = Duration.ofSeconds(HazelcastCluster.MEMBER_TIMEOUT_SECONDS / 2);
  /** After such a pause: time for Hazelcast to see what became of this member before the map is trusted. */
  static final Duration HOLD = Duration.ofSeconds(HazelcastCluster.MEMBER_TIMEOUT_SECONDS / 2);

  /** One state of the shared entry: its raw text (what compare-and-set compares), epoch and writer. */
  private record Choice(String raw, long epoch, HostAndPort writer) {
    static String encode(long epoch, HostAndPort writer) {
      return epoch + " " + writer;
    }
  }

  /** The entry's text as a choice of one of {@link #hosts}; null for no entry (or one naming no node of these). */
  private Choice parse(String raw) {
    if (raw == null) {
      return null;
    }
    int space = raw.indexOf(' ');
    String node = raw.substring(space + 1);
    return hosts.stream().filter(h -> h.toString().equals(node)).findFirst()
        .map(writer -> new Choice(raw, Long.parseLong(raw.substring(0, space)), writer)).orElse(null);
  }

  private final Vertx vertx;
  private final Context context;
  private final ClusterManager manager;
  private final Future<AsyncMap<String, String>> map;
  private final List<HostAndPort> hosts;
  private final String key;
  private final int quorum;
  private final long leaseNanos;
  private final long operationTimeoutMs;
  private final long timer;
  private UUID listener;
  private Runnable changed = () -> {};

  private volatile Choice agreed;
  private volatile int gateways;
  /** System.nanoTime when a read that confirmed the choice started; 0: never. */
  private volatile long confirmedAt;
  private volatile long heldUntil;
  private volatile long lastTick = System.nanoTime();
  /** One map operation at a time: a slow or hung cluster never piles reads up on the worker pool. */
  private final AtomicBoolean busy = new AtomicBoolean();

  /**
   * @param hosts the Galera cluster's nodes ({@code DB_HOST}): the entry's key
   * @param pollInterval the monitor's poll interval: each round reads the entry, so the lease is a few rounds
   */
  public SharedGaleraWriter(Vertx vertx, ClusterManager manager, ClusterConfig cluster, List<HostAndPort> hosts,
      Duration pollInterval) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.manager = manager;
    this.hosts = List.copyOf(hosts);
    this.key = hosts.stream().map(HostAndPort::toString).sorted().reduce((a, b) -> a + "," + b).orElse("");
    this.quorum = quorum(cluster);
    this.leaseNanos = Math.max(3 * pollInterval.toNanos(), TimeUnit.SECONDS.toNanos(4));
    this.operationTimeoutMs = Math.max(1_000, pollInterval.toMillis() * 2);
    this.map = vertx.sharedData().getClusterWideMap(MAP);
    this.gateways = quorum;
    HazelcastCluster.watchGateways(manager, count -> {
      int before = gateways;
      gateways = count;
      if ((before >= quorum) != (count >= quorum)) {
        log.warn("this instance now sees {} gateway instances of the {} needed to trust the shared Galera writer",
            count, quorum);
        context.runOnContext(v -> refresh().onComplete(read -> changed.run()));
      }
    });
    if (manager instanceof HazelcastClusterManager hazelcast) {
      IMap<String, String> entries = hazelcast.getHazelcastInstance().getMap(MAP);
      listener = entries.addEntryListener(
          new Listener(() -> context.runOnContext(v -> refresh().onComplete(read -> changed.run()))), key, false);
    }
    this.timer = vertx.setPeriodic(TICK_MS, id -> tick());
  }

  /** Hazelcast's entry events for the key: another instance set or changed the writer, or a merge did. */
  private record Listener(Runnable changed) implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String>, EntryMergedListener<String, String> {
    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, String> event) {
      changed.run();
    }

    @Override
    public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> event) {
      changed.run();
    }

    @Override
    public void entryMerged(com.hazelcast.core.EntryEvent<String, String> event) {
      changed.run();
    }
  }

  /** A majority of the gateway instances listed (the members and this one): the instances are expected to list the same. */
  static int quorum(ClusterConfig cluster) {
    Set<String> listed = new LinkedHashSet<>();
    listed.add(new HostAndPort(cluster.host(), cluster.port()).toString());
    cluster.members().forEach(member -> listed.add(member.toString()));
    return listed.size() / 2 + 1;
  }

  private void tick() {
    long now = System.nanoTime();
    long gap = now - lastTick;
    lastTick = now;
    if (gap >= PAUSE.toNanos()) {
      heldUntil = now + HOLD.toNanos();
      confirmedAt = 0;
      log.warn("this instance was paused for {} ms, long enough for the cluster to have dropped it: no Galera writes"
          + " for {} ms, then until the shared writer choice has been read again", TimeUnit.NANOSECONDS.toMillis(gap),
          HOLD.toMillis());
      changed.run();
      vertx.setTimer(HOLD.toMillis() + 1, id -> refresh().onComplete(read -> changed.run()));
    }
  }

  @Override
  public HostAndPort agreed() {
    Choice choice = agreed;
    return choice == null ? null : choice.writer();
  }

  @Override
  public String refusal() {
    long now = System.nanoTime();
    if (now < heldUntil || now - lastTick >= PAUSE.toNanos()) {
      return "this instance was paused: it reads the shared writer choice again before it writes";
    }
    if (gateways < quorum) {
      return "this instance sees " + gateways + " of the " + quorum + " gateway instances needed to trust the shared"
          + " writer choice (it may be cut off from the others)";
    }
    long confirmed = confirmedAt;
    if (confirmed == 0 || now - confirmed > leaseNanos) {
      return "the shared writer choice has not been read for " + (confirmed == 0 ? "ever"
          : TimeUnit.NANOSECONDS.toMillis(now - confirmed) + " ms") + " (the cluster manager does not answer)";
    }
    return null;
  }

  /** Whether this instance may change the shared choice: it must see a majority, and not have just resumed. */
  private boolean mayPropose() {
    long now = System.nanoTime();
    return gateways >= quorum && now >= heldUntil;
  }

  @Override
  public Future<Void> refresh() {
    if (!busy.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return ended(map.compose(m -> m.get(key)), System.nanoTime(), "read");
  }

  @Override
  public Future<Void> propose(HostAndPort expected, HostAndPort proposal) {
    Choice current = agreed;
    boolean stale = expected == null ? current != null : current == null || !expected.equals(current.writer());
    if (stale || !mayPropose() || !busy.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    long epoch = current == null ? 1 : current.epoch() + 1;
    String next = Choice.encode(epoch, proposal);
    Future<String> readBack = map.compose(m -> (current == null
            ? m.putIfAbsent(key, next).map(previous -> previous == null)
            : m.replaceIfPresent(key, current.raw(), next))
        .compose(won -> {
          if (won) {
            log.warn("galera writer choice for all gateway instances is now {} (epoch {}; was {})", proposal, epoch,
                current == null ? "none" : current.writer());
          }
          return m.get(key);
        }));
    return ended(readBack, started, "propose " + proposal + " as").andThen(done -> changed.run());
  }

  /**
   * Adopts what the map operation that started at {@code started} read, once it ends; only then may another
   * operation start, so a cluster manager that does not answer never piles operations up on the worker
   * pool. The answer comes when it ended, or after the operation timeout, whichever is first.
   */
  private Future<Void> ended(Future<String> operation, long started, String what) {
    return operation.<Void>transform(read -> {
          busy.set(false);
          if (read.succeeded()) {
            adopt(parse(read.result()), started);
          } else {
            log.info("could not {} the shared Galera writer: {}", what, read.cause().toString());
          }
          return Future.succeededFuture();
        })
        .timeout(operationTimeoutMs, TimeUnit.MILLISECONDS)
        .otherwiseEmpty();
  }

  /** The choice read by an operation that started at {@code started}: trusted if nothing refuses it since. */
  private void adopt(Choice read, long started) {
    Choice before = agreed;
    agreed = read;
    if (read != null && mayPropose() && started >= heldUntil) {
      confirmedAt = started;
    }
    if (read == null ? before != null : before == null || before.epoch() != read.epoch()
        || !before.writer().equals(read.writer())) {
      changed.run();
    }
  }

  @Override
  public void onChange(Runnable changed) {
    this.changed = changed;
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    if (listener != null && manager instanceof HazelcastClusterManager hazelcast) {
      try {
        hazelcast.getHazelcastInstance().getMap(MAP).removeEntryListener(listener);
      } catch (RuntimeException e) {
        log.debug("could not remove the writer listener: {}", e.toString());
      }
    }
  }

  @Override
  public JsonObject toJson() {
    Choice choice = agreed;
    return new JsonObject()
        .put("shared", true)
        .put("writer", choice == null ? null : choice.writer().toString())
        .put("epoch", choice == null ? null : choice.epoch())
        .put("gateways", gateways)
        .put("quorum", quorum)
        .put("refusal", refusal());
  }
}
