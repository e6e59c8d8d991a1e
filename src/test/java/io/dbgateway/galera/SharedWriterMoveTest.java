package io.dbgateway.galera;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.tck.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster mode, one instance's monitor over the suite's real Galera cluster: when the shared writer choice
 * moves off the node this instance writes to, the keyed work still running there is given up at once, even
 * while this instance's own probes still find that node eligible. Another instance moved the choice because
 * it judged the node gone (cut off by the network, say), and this instance's probes of it may take seconds
 * to time out; by then its writer is the new node, and before this test's fix the old node was never taken
 * out here: keyed writes stuck on it waited out their whole deadline (seen with three gateway instances in
 * {@code ClusterPartitionTest}: 2 of 2,963 unanswered for 30 s).
 */
class SharedWriterMoveTest {

  /** The shared choice, held in memory: what the instances' cluster map holds in cluster mode. */
  private static final class HeldChoice implements WriterAgreement {
    private volatile HostAndPort writer;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    HeldChoice(HostAndPort writer) {
      this.writer = writer;
    }

    /** Another instance moved the choice: every instance hears of it through the map's entry event. */
    void movedTo(HostAndPort next) {
      writer = next;
      listeners.forEach(Runnable::run);
    }

    @Override
    public HostAndPort agreed() {
      return writer;
    }

    @Override
    public String refusal() {
      return null;
    }

    @Override
    public Future<Void> refresh() {
      return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> propose(HostAndPort expected, HostAndPort proposal) {
      if (java.util.Objects.equals(expected, writer)) {
        writer = proposal;
      }
      return Future.succeededFuture();
    }

    @Override
    public void onChange(Runnable changed) {
      listeners.add(changed);
    }

    @Override
    public void close() {}

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("writer", String.valueOf(writer));
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theNodeTheSharedChoiceLeftIsTakenOutHereWhileItsProbesStillPass() throws Exception {
    Map<String, String> env = new HashMap<>(Engine.GALERA.env());
    env.put("GATEWAY_GALERA_POLL_MS", "500");
    GatewayConfig config = ConfigLoader.load(env);
    List<HostAndPort> nodes = config.database().hosts();
    HeldChoice shared = new HeldChoice(nodes.get(0));
    Vertx vertx = Vertx.vertx();
    GaleraMonitor monitor = new GaleraMonitor(vertx, config.database(), config.galera(), shared);
    List<HostAndPort> takenOut = new CopyOnWriteArrayList<>();
    monitor.onWriterOut(takenOut::add);
    try {
      monitor.start().await(60, TimeUnit.SECONDS);
      ClusterView first = monitor.awaitWriter(60).await(60, TimeUnit.SECONDS);
      assertThat(first.writer()).as("the shared choice, once its node passed two probes").isEqualTo(nodes.get(0));
      assertThat(monitor.writesTo(nodes.get(0))).isTrue();
      assertThat(takenOut).isEmpty();

      // Another instance moved the choice to the second node; the first still answers this instance's probes.
      vertx.runOnContext(v -> shared.movedTo(nodes.get(1)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (takenOut.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(monitor.view().writer()).isEqualTo(nodes.get(1));
      assertThat(monitor.view().nodes().get(0).eligible()).as("the first node, as this instance judges it").isTrue();
      assertThat(takenOut).as("nodes taken out from under running work").containsExactly(nodes.get(0));
      assertThat(monitor.writesTo(nodes.get(0))).isFalse();
      assertThat(monitor.writesTo(nodes.get(1))).isTrue();

      // Once is enough: the next rounds leave it alone.
      Thread.sleep(1_500);
      assertThat(takenOut).containsExactly(nodes.get(0));
    } finally {
      monitor.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
