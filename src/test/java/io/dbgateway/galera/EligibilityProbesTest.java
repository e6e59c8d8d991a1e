package io.dbgateway.galera;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.HostAndPort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node takes traffic only after 2 probes in a row found it fit; state changes ignore mere counts. */
class EligibilityProbesTest {

  private static final HostAndPort N1 = new HostAndPort("127.0.0.1", 3311);
  private static final HostAndPort N2 = new HostAndPort("127.0.0.1", 3312);
  private static final List<HostAndPort> ORDER = List.of(N1, N2);
  private static final String UUID = "c0ffee00-0000-0000-0000-000000000001";

  private static ProbeResult probe(int state, boolean desync) {
    return new ProbeResult(true, "Primary", state, UUID, 0, 0, desync, "NONE", false);
  }

  private static NodeView judge(NodeHealth n1) {
    Map<HostAndPort, NodeHealth> health = new HashMap<>();
    health.put(N1, n1);
    health.put(N2, NodeHealth.initial().passed(probe(4, false)).passed(probe(4, false)));
    return ClusterView.judge(health, ORDER, N2, List.of(), 100).nodes().get(0);
  }

  @Test
  void nodeAnsweringWhileJoiningIsEligibleOnlyOnItsSecondSyncedProbe() {
    NodeHealth joining = NodeHealth.initial().passed(probe(1, false)).passed(probe(3, false));
    assertThat(joining.up()).isTrue();
    NodeHealth firstSynced = joining.passed(probe(4, false));
    assertThat(judge(firstSynced).eligible()).isFalse();
    assertThat(judge(firstSynced).reasons()).containsExactly("waiting for 2 passing probes in a row (1 so far)");
    assertThat(judge(firstSynced.passed(probe(4, false))).eligible()).isTrue();
  }

  @Test
  void desyncTakesANodeOutAtOnceAndItComesBackAfterTwoGoodProbes() {
    NodeHealth eligible = NodeHealth.initial().passed(probe(4, false)).passed(probe(4, false));
    assertThat(judge(eligible).eligible()).isTrue();
    NodeHealth desynced = eligible.passed(probe(2, true));
    assertThat(judge(desynced).eligible()).isFalse();
    assertThat(judge(desynced).reasons()).anyMatch(r -> r.contains("wsrep_desync is ON"));
    NodeHealth once = desynced.passed(probe(4, false));
    assertThat(judge(once).eligible()).isFalse();
    assertThat(judge(once.passed(probe(4, false))).eligible()).isTrue();
  }

  @Test
  void aSlowProbeKeepsAnEligibleNodeButAnUnprovenOneStartsOver() {
    NodeHealth eligible = NodeHealth.initial().passed(probe(4, false)).passed(probe(4, false));
    assertThat(judge(eligible.timedOut("slow")).eligible()).isTrue();
    NodeHealth once = eligible.passed(probe(2, true)).passed(probe(4, false));
    assertThat(once.timedOut("slow").passed(probe(4, false)).provenFit()).isFalse();
  }

  @Test
  void stateChangesIgnoreCountsButNotReasons() {
    NodeView a = new NodeView(N1, true, true, false, List.of("receive queue 150 is over 100 (reads only)"), null);
    NodeView b = new NodeView(N1, true, true, false, List.of("receive queue 151 is over 100 (reads only)"), null);
    NodeView c = new NodeView(N1, true, false, false, List.of("wsrep_desync is ON"), null);
    assertThat(a.sameState(b)).isTrue();
    assertThat(a.sameState(c)).isFalse();
  }
}
