package io.dbgateway.cluster;

import com.hazelcast.core.LifecycleEvent;
import io.dbgateway.transaction.SharedTransactionCap;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GATEWAY_TX_MAX_OPEN_PER_KEY} for the whole cluster: each key's open interactive transactions are
 * counted in one map of the cluster manager (a Hazelcast IMap, through Vert.x's cluster-wide map), keyed by
 * the key's id. The value holds each member's count ({@code "<member id>=<n>;..."}), so that the counts of
 * a member that leaves can be taken out at its membership event. Every change is a compare-and-set of the
 * whole value (retried when another member changed it in between), so two instances never both take the
 * key's last place. Only a begin and a transaction's end touch the map; no other request does.
 *
 * <p>How exact it is while members join and leave: docs/cluster.md.
 */
public final class ClusterTransactionCap implements SharedTransactionCap {

  /** The cluster-wide map of the counts. */
  public static final String MAP = "dbgateway.tx.openPerKey";
  private static final Logger log = LoggerFactory.getLogger(ClusterTransactionCap.class);
  /** Compare-and-set attempts before a change gives up (only under extreme contention on one key). */
  private static final int MAX_ATTEMPTS = 64;
  /** How long after a failed lowering this instance writes its own count of the key again, and how often. */
  private static final long REPAIR_DELAY_MS = 1_000;
  private static final int MAX_REPAIRS = 120;

  private final Vertx vertx;
  private final String self;
  private final int maxOpenPerKey;
  private final long timeoutMs;
  private final Future<AsyncMap<String, String>> map;
  /**
   * This instance's own open transactions per key, kept here whatever the map's state: written into the map
   * again after a split cluster merges, or after a lowering that the map did not take.
   */
  private final Map<String, Integer> mine = new ConcurrentHashMap<>();

  /**
   * @param timeoutMs how long a begin waits for the count before it answers 503 (a member that stopped
   *     answering holds its part of the map until the cluster drops it)
   */
  public ClusterTransactionCap(Vertx vertx, ClusterManager manager, int maxOpenPerKey, long timeoutMs) {
    this.vertx = vertx;
    this.self = manager.getNodeId();
    this.maxOpenPerKey = maxOpenPerKey;
    this.timeoutMs = timeoutMs;
    this.map = vertx.sharedData().<String, String>getClusterWideMap(MAP);
    HazelcastCluster.onMemberLeft(manager, this::memberLeft);
    if (manager instanceof HazelcastClusterManager hazelcast) {
      hazelcast.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
          vertx.runOnContext(v -> reassert());
        }
      });
    }
  }

  @Override
  public Future<Void> acquire(String key) {
    Promise<Void> answer = Promise.promise();
    Future<Boolean> counted = change(key, counts -> total(counts) >= maxOpenPerKey ? null : plus(counts, self, 1));
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (answer.tryFail(new GatewayException(Failures.unavailable("the cluster's count of the key's open interactive"
          + " transactions did not answer within " + timeoutMs + " ms (a member may have stopped answering);"
          + " try again")))) {
        // Counted after all, too late for this begin: take it back.
        counted.onSuccess(taken -> {
          if (taken) {
            lower(key);
          }
        });
      }
    });
    counted.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.failed()) {
        log.warn("the cluster's count of key '{}' could not be changed: {}", key, done.cause().toString());
        answer.tryFail(new GatewayException(Failures.unavailable("the cluster's count of the key's open interactive"
            + " transactions could not be changed; try again")));
      } else if (!done.result()) {
        answer.tryFail(new GatewayException(Problem.of(ErrorCode.RATE_LIMITED, "the key '" + key + "' already holds"
            + " its most interactive transactions across the cluster (" + maxOpenPerKey
            + ", GATEWAY_TX_MAX_OPEN_PER_KEY); commit or roll back one first")
            .withRetryAfter(Failures.RETRY_AFTER_SECONDS)));
      } else if (answer.tryComplete()) {
        mine.merge(key, 1, Integer::sum);
      } else {
        lower(key); // the begin gave up on it (timed out) before it was counted
      }
    });
    return answer.future();
  }

  @Override
  public void release(String key) {
    mine.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    lower(key);
  }

  /**
   * Takes one of this instance's places of the key out of the map. When the map does not take it (a member
   * stopped answering, or the cluster is merging), this instance's own count is written again later, so
   * that a place never stays taken for good.
   */
  private void lower(String key) {
    change(key, counts -> plus(counts, self, -1)).onFailure(failure -> {
      log.warn("the cluster's count of key '{}' could not be lowered; it is written again in {} ms: {}", key,
          REPAIR_DELAY_MS, failure.toString());
      repair(key, 1);
    });
  }

  private void repair(String key, int attempt) {
    vertx.setTimer(REPAIR_DELAY_MS, t -> change(key, counts -> withOwn(counts, key)).onFailure(failure -> {
      if (attempt < MAX_REPAIRS) {
        repair(key, attempt + 1);
      } else {
        log.error("the cluster's count of key '{}' could not be written in {} attempts; it is set right at the next"
            + " merge or member change: {}", key, MAX_REPAIRS, failure.toString());
      }
    }));
  }

  /** A member left (died, or was dropped): its transactions are gone, and so are its counts. */
  private void memberLeft(String member) {
    vertx.runOnContext(v -> map.compose(AsyncMap::keys).onSuccess(keys -> keys.forEach(key ->
        change(key, counts -> counts.containsKey(member) ? without(counts, member) : counts))));
  }

  /**
   * After a split cluster merged, this instance's counts are the other side's view of them (that side
   * dropped them when it lost sight of this one): this instance writes its own counts again.
   */
  private void reassert() {
    map.compose(AsyncMap::keys).onSuccess(keys -> {
      java.util.Set<String> all = new java.util.HashSet<>(keys);
      all.addAll(mine.keySet());
      for (String key : all) {
        change(key, counts -> withOwn(counts, key)).onFailure(failure -> repair(key, 1));
      }
    });
  }

  /**
   * Applies {@code next} to the key's counts by compare-and-set, retried while another member changes
   * them in between.
   *
   * @return true when changed, false when {@code next} refused (returned null)
   */
  private Future<Boolean> change(String key, UnaryOperator<TreeMap<String, Integer>> next) {
    return map.compose(m -> attempt(m, key, next, 1));
  }

  private Future<Boolean> attempt(AsyncMap<String, String> m, String key, UnaryOperator<TreeMap<String, Integer>> next,
      int attempt) {
    if (attempt > MAX_ATTEMPTS) {
      return Future.failedFuture(new IllegalStateException("the count of key '" + key + "' kept changing under "
          + MAX_ATTEMPTS + " attempts"));
    }
    return m.get(key).compose(current -> {
      TreeMap<String, Integer> counts = decode(current);
      TreeMap<String, Integer> changed = next.apply(counts);
      if (changed == null) {
        return Future.succeededFuture(false);
      }
      String value = encode(changed);
      Future<Boolean> written;
      if (value.equals(current == null ? "" : current)) {
        written = Future.succeededFuture(true);
      } else if (current == null) {
        written = m.putIfAbsent(key, value).map(previous -> previous == null);
      } else if (value.isEmpty()) {
        written = m.removeIfPresent(key, current);
      } else {
        written = m.replaceIfPresent(key, current, value);
      }
      return written.compose(done -> done ? Future.succeededFuture(true) : attempt(m, key, next, attempt + 1));
    });
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static TreeMap<String, Integer> plus(TreeMap<String, Integer> counts, String member, int delta) {
    TreeMap<String, Integer> next = new TreeMap<>(counts);
    int n = next.getOrDefault(member, 0) + delta;
    if (n > 0) {
      next.put(member, n);
    } else {
      next.remove(member);
    }
    return next;
  }

  /** The key's counts with this instance's own count as {@link #mine} holds it. */
  private TreeMap<String, Integer> withOwn(TreeMap<String, Integer> counts, String key) {
    TreeMap<String, Integer> next = without(counts, self);
    int own = mine.getOrDefault(key, 0);
    if (own > 0) {
      next.put(self, own);
    }
    return next;
  }

  private static TreeMap<String, Integer> without(TreeMap<String, Integer> counts, String member) {
    TreeMap<String, Integer> next = new TreeMap<>(counts);
    next.remove(member);
    return next;
  }

  /** {@code "<member>=<n>;<member>=<n>"}, members in order, so equal counts encode alike. */
  static String encode(Map<String, Integer> counts) {
    StringBuilder value = new StringBuilder();
    counts.forEach((member, n) -> value.append(value.isEmpty() ? "" : ";").append(member).append('=').append(n));
    return value.toString();
  }

  static TreeMap<String, Integer> decode(String value) {
    TreeMap<String, Integer> counts = new TreeMap<>();
    if (value != null && !value.isEmpty()) {
      for (String part : value.split(";")) {
        int eq = part.lastIndexOf('=');
        counts.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
      }
    }
    return counts;
  }
}
