package io.dbgateway.galera;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.HostAndPort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routing policy of the Galera brief, on probe results written out by hand. */
class ClusterViewTest {

  private static final HostAndPort N1 = new HostAndPort("127.0.0.1", 3311);
  private static final HostAndPort N2 = new HostAndPort("127.0.0.1", 3312);
  private static final HostAndPort N3 = new HostAndPort("127.0.0.1", 3313);
  private static final List<HostAndPort> ORDER = List.of(N1, N2, N3);
  private static final String UUID = "c0ffee00-0000-0000-0000-000000000001";

  private static ProbeResult synced(int localIndex) {
    return new ProbeResult(true, "Primary", 4, UUID, localIndex, 0, false, "NONE", false);
  }

  private static NodeHealth up(ProbeResult probe) {
    return NodeHealth.initial().passed(probe).passed(probe);
  }

  private final Map<HostAndPort, NodeHealth> health = new HashMap<>(Map.of(
      N1, up(synced(2)), N2, up(synced(0)), N3, up(synced(1))));

  private ClusterView judge(HostAndPort previous) {
    return ClusterView.judge(health, ORDER, previous, List.of(), 100);
  }

  @Test
  void newWriterIsTheLowestLocalIndex() {
    assertThat(judge(null).writer()).isEqualTo(N2);
  }

  @Test
  void configuredPriorityComesBeforeLocalIndex() {
    assertThat(ClusterView.judge(health, ORDER, null, List.of(N3), 100).writer()).isEqualTo(N3);
  }

  @Test
  void writerIsStickyWhileEligible() {
    assertThat(judge(N1).writer()).isEqualTo(N1);
  }

  @Test
  void writerFailsOverWhenItStopsBeingEligible() {
    health.put(N2, health.get(N2).failed("connection refused"));
    ClusterView view = judge(N2);
    assertThat(view.writer()).isEqualTo(N3);
    assertThat(view.nodes().get(1).reasons()).anyMatch(r -> r.contains("connection refused"));
  }

  @Test
  void nodeIsDownOnlyAfterThreeTimeoutsInARow() {
    NodeHealth h = health.get(N2).timedOut("t1").timedOut("t2");
    assertThat(h.up()).isTrue();
    assertThat(h.timedOut("t3").up()).isFalse();
  }

  @Test
  void nodeIsUpAgainAfterTwoPassingProbes() {
    NodeHealth down = health.get(N1).failed("refused");
    assertThat(down.passed(synced(2)).up()).isFalse();
    assertThat(down.passed(synced(2)).passed(synced(2)).up()).isTrue();
  }

  @Test
  void donorDesyncedRejectingAndNonPrimaryNodesAreNotEligible() {
    health.put(N1, up(new ProbeResult(true, "Primary", 2, UUID, 2, 0, false, "NONE", false)));
    health.put(N2, up(new ProbeResult(true, "Primary", 4, UUID, 0, 0, true, "NONE", false)));
    health.put(N3, up(new ProbeResult(true, "non-Primary", 4, UUID, 1, 0, false, "NONE", false)));
    ClusterView view = judge(null);
    assertThat(view.writer()).isNull();
    assertThat(view.nodes()).noneMatch(NodeView::eligible);
    assertThat(view.nodes().get(0).reasons()).anyMatch(r -> r.contains("donor"));
    assertThat(view.nodes().get(1).reasons()).anyMatch(r -> r.contains("wsrep_desync"));
    assertThat(view.nodes().get(2).reasons()).anyMatch(r -> r.contains("non-Primary"));
  }

  @Test
  void rejectQueriesAndNotReadyExclude() {
    health.put(N1, up(new ProbeResult(true, "Primary", 4, UUID, 2, 0, false, "ALL", false)));
    health.put(N2, up(new ProbeResult(false, "Primary", 4, UUID, 0, 0, false, "NONE", false)));
    ClusterView view = judge(null);
    assertThat(view.writer()).isEqualTo(N3);
  }

  @Test
  void nodeBootstrappedIntoItsOwnClusterIsNotEligible() {
    health.put(N2, up(new ProbeResult(true, "Primary", 4, "deadbeef-0000-0000-0000-000000000000", 0, 0, false, "NONE", false)));
    ClusterView view = judge(null);
    assertThat(view.writer()).isEqualTo(N3);
    assertThat(view.nodes().get(1).reasons()).anyMatch(r -> r.contains("majority"));
  }

  @Test
  void readersOverTheReceiveQueueLimitAreSkippedButMayStillWrite() {
    health.put(N2, up(new ProbeResult(true, "Primary", 4, UUID, 0, 500, false, "NONE", false)));
    ClusterView view = judge(null);
    assertThat(view.readableNodes()).containsExactly(N1, N3);
    assertThat(view.writer()).isEqualTo(N2);
  }
}
