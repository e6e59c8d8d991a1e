package io.dbgateway.galera;

import io.dbgateway.config.HostAndPort;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.NoEligibleNodeException;
import io.dbgateway.error.Problem;
import io.dbgateway.node.NodeChooser;
import io.dbgateway.node.Access;
import io.dbgateway.node.Node;
import io.dbgateway.node.NodeDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses by the Galera monitor's current view: writes, and reads that must see every write, to the one
 * writer; other reads to any readable node in turn. With no eligible writer the answer is 503 at once; for the
 * first {@link GaleraMonitor#REFORMING_POLLS} polls after the writer went, that 503 is not marked as a cluster
 * with no eligible node, so that keyed writes wait for the re-formed cluster's writer within their deadline.
 */
public final class GaleraNodeChooser implements NodeChooser {

  private final GaleraMonitor monitor;
  private final Map<HostAndPort, Node> nodes;
  private final int retryAfterSeconds;
  private final AtomicInteger nextReader = new AtomicInteger();

  public GaleraNodeChooser(GaleraMonitor monitor, Map<HostAndPort, Node> nodes, int retryAfterSeconds) {
    this.monitor = monitor;
    this.nodes = Map.copyOf(nodes);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  public NodeDatabase choose(Access access, String database) {
    ClusterView view = monitor.view();
    if (access == Access.READ) {
      List<HostAndPort> readers = view.readableNodes();
      if (!readers.isEmpty()) {
        return nodes.get(readers.get(Math.floorMod(nextReader.getAndIncrement(), readers.size()))).database(database);
      }
    }
    HostAndPort writer = view.writer();
    if (writer == null) {
      String refusal = monitor.writerRefusal();
      if (refusal != null) {
        // This instance may not trust the shared writer for a moment (cluster mode): keyed writes wait for it.
        throw new GatewayException(new Problem(ErrorCode.UNAVAILABLE,
            "no Galera writer for this gateway instance right now: " + refusal, null, null, null, true,
            retryAfterSeconds));
      }
      String detail = "no Galera node is eligible to take " + (access.write() ? "writes" : "reads") + " right now";
      if (monitor.reforming()) {
        // The writer went a moment ago: the survivors may be re-forming, and keyed writes wait for them.
        throw new GatewayException(new Problem(ErrorCode.UNAVAILABLE, detail + " (the cluster lost its writer"
            + " moments ago and may be re-forming)", null, null, null, true, retryAfterSeconds));
      }
      throw new GatewayException(new Problem(ErrorCode.UNAVAILABLE, detail, null, null, null, true, retryAfterSeconds),
          new NoEligibleNodeException(detail));
    }
    return nodes.get(writer).database(database);
  }

  @Override
  public void refused(String node, String reason) {
    named(node).ifPresent(n -> monitor.markDown(n, reason));
  }

  @Override
  public void onWriterOut(java.util.function.Consumer<String> listener) {
    monitor.onWriterOut(node -> listener.accept(node.toString()));
  }

  @Override
  public boolean writesTo(String node) {
    return named(node).map(monitor::writesTo).orElse(false);
  }

  /** The node whose name ({@code host:port}, as {@link NodeDatabase#node()} gives it) is {@code node}. */
  private java.util.Optional<HostAndPort> named(String node) {
    return nodes.keySet().stream().filter(n -> n.toString().equals(node)).findFirst();
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }
}
