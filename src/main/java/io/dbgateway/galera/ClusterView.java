package io.dbgateway.galera;

import io.dbgateway.config.HostAndPort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as one poll saw it: each node's eligibility and the writer. Immutable; a new view
 * replaces the old one after every poll.
 */
public record ClusterView(List<NodeView> nodes, HostAndPort writer) {

  public ClusterView {
    nodes = List.copyOf(nodes);
  }

  public static ClusterView empty(List<HostAndPort> nodes) {
    List<NodeView> views = new ArrayList<>();
    for (HostAndPort node : nodes) {
      views.add(new NodeView(node, false, false, false, List.of("not probed yet"), null));
    }
    return new ClusterView(views, null);
  }

  /**
   * Judges every node and picks the writer.
   *
   * @param previousWriter kept while it stays eligible, so the writer is sticky
   * @param priority nodes in preference order for a new writer; others follow by lowest wsrep_local_index
   * @param maxRecvQueue readers must have at most this many write-sets waiting to apply
   */
  public static ClusterView judge(Map<HostAndPort, NodeHealth> health, List<HostAndPort> order,
      HostAndPort previousWriter, List<HostAndPort> priority, long maxRecvQueue) {
    String majorityUuid = majorityUuid(health);
    List<NodeView> views = new ArrayList<>();
    for (HostAndPort node : order) {
      NodeHealth h = health.getOrDefault(node, NodeHealth.initial());
      List<String> reasons = new ArrayList<>();
      ProbeResult probe = h.last();
      if (!h.up() || probe == null) {
        reasons.add("down: " + (h.lastError() == null ? waitingForPasses(h.passes()) : h.lastError()));
      } else {
        reasons.addAll(probe.ownReasons());
        if (majorityUuid != null && !majorityUuid.equals(probe.clusterUuid())) {
          reasons.add("cluster UUID " + probe.clusterUuid() + " is not the majority's " + majorityUuid);
        }
        if (reasons.isEmpty() && !h.provenFit()) {
          // Fit on its own terms since the last probe only: one more good probe before it takes traffic.
          reasons.add(waitingForPasses(h.fit()));
        }
      }
      boolean eligible = reasons.isEmpty();
      boolean readable = eligible && probe.recvQueue() <= maxRecvQueue;
      if (eligible && !readable) {
        reasons.add("receive queue " + probe.recvQueue() + " is over " + maxRecvQueue + " (reads only)");
      }
      views.add(new NodeView(node, h.up(), eligible, readable, reasons, probe));
    }
    return new ClusterView(views, chooseWriter(views, previousWriter, priority));
  }

  private static String waitingForPasses(int sofar) {
    return "waiting for " + NodeHealth.PASSES_TO_UP + " passing probes in a row (" + sofar + " so far)";
  }

  private static String majorityUuid(Map<HostAndPort, NodeHealth> health) {
    Map<String, Integer> counts = new HashMap<>();
    for (NodeHealth h : health.values()) {
      if (h.up() && h.last() != null && h.last().clusterUuid() != null) {
        counts.merge(h.last().clusterUuid(), 1, Integer::sum);
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  private static HostAndPort chooseWriter(List<NodeView> views, HostAndPort previous, List<HostAndPort> priority) {
    List<NodeView> candidates = views.stream().filter(v -> v.eligible() && !v.probe().readOnly()).toList();
    if (previous != null && candidates.stream().anyMatch(v -> v.node().equals(previous))) {
      return previous;
    }
    Comparator<NodeView> byPriority = Comparator.comparingInt(v -> {
      int index = priority.indexOf(v.node());
      return index < 0 ? Integer.MAX_VALUE : index;
    });
    return candidates.stream()
        .min(byPriority.thenComparingInt(v -> v.probe().localIndex()))
        .map(NodeView::node)
        .orElse(null);
  }

  public List<HostAndPort> readableNodes() {
    return nodes.stream().filter(NodeView::readable).map(NodeView::node).toList();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    nodes.forEach(n -> list.add(n.toJson().put("writer", n.node().equals(writer))));
    return new JsonObject().put("writer", writer == null ? null : writer.toString()).put("nodes", list);
  }
}
