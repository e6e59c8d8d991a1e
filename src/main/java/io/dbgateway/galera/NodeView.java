package io.dbgateway.galera;

import io.dbgateway.config.HostAndPort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One node as the router sees it: up or down, whether it may take writes and reads, and why not.
 *
 * @param reasons why it is not eligible (empty when it is)
 */
public record NodeView(HostAndPort node, boolean up, boolean eligible, boolean readable, List<String> reasons,
    ProbeResult probe) {

  public NodeView {
    reasons = List.copyOf(reasons);
  }

  /**
   * Whether {@code other} is the same state for the logs and the event bus: the same up, eligible and
   * readable flags and the same reasons. Numbers in the reasons (receive queue lengths, probe counts,
   * addresses in error messages) are ignored, so a reason that merely counts does not log every poll.
   */
  public boolean sameState(NodeView other) {
    return up == other.up && eligible == other.eligible && readable == other.readable
        && shape(reasons).equals(shape(other.reasons));
  }

  private static List<String> shape(List<String> reasons) {
    return reasons.stream().map(r -> r.replaceAll("[0-9]+", "#")).toList();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("node", node.toString()).put("up", up).put("eligible", eligible)
        .put("readable", readable).put("reasons", new JsonArray(reasons));
    if (probe != null) {
      json.put("state", probe.localState()).put("clusterStatus", probe.clusterStatus())
          .put("localIndex", probe.localIndex()).put("recvQueue", probe.recvQueue());
    }
    return json;
  }
}
