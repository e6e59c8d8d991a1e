package io.dbgateway.galera;

/**
 * Whether a node is up, by the brief's rules: down after 3 probe timeouts in a row, or at once on any
 * other probe error (or error 1047 on live traffic); up again after 2 passing probes in a row. A node
 * starts down, so it must prove itself before it takes traffic.
 *
 * <p>{@code fit} counts the probes in a row that answered <em>and</em> found the node fit to serve on its
 * own terms (Synced, Primary, ready, not desynced, not rejecting queries). A node becomes eligible only
 * once that count reaches {@link #PASSES_TO_UP}, so a node that answers while it is still joining, or
 * that comes back from a desync or a donor role, takes traffic only after 2 good probes in a row, not on
 * the first one.
 */
public record NodeHealth(boolean up, int passes, int timeouts, ProbeResult last, String lastError, int fit) {

  static final int TIMEOUTS_TO_DOWN = 3;
  static final int PASSES_TO_UP = 2;

  public static NodeHealth initial() {
    return new NodeHealth(false, 0, 0, null, "not probed yet", 0);
  }

  /** Whether the last {@link #PASSES_TO_UP} probes in a row found the node fit to serve. */
  public boolean provenFit() {
    return fit >= PASSES_TO_UP;
  }

  public NodeHealth passed(ProbeResult result) {
    int newPasses = passes + 1;
    int newFit = result.ownReasons().isEmpty() ? fit + 1 : 0;
    return new NodeHealth(up || newPasses >= PASSES_TO_UP, newPasses, 0, result, null, newFit);
  }

  /** A slow probe: the node keeps its standing until the third timeout in a row, but a node not yet proven starts over. */
  public NodeHealth timedOut(String error) {
    int newTimeouts = timeouts + 1;
    boolean stillUp = up && newTimeouts < TIMEOUTS_TO_DOWN;
    return new NodeHealth(stillUp, 0, newTimeouts, stillUp ? last : null, error, stillUp && provenFit() ? fit : 0);
  }

  public NodeHealth failed(String error) {
    return new NodeHealth(false, 0, 0, null, error, 0);
  }
}
