package io.dbgateway.galera;

/**
 * Whether a node is up, by the brief's rules: down after 3 probe timeouts in a row, or at once on any
 * other probe error (or error 1047 on live traffic); up again after 2 passing probes in a row. A node
 * starts down, so it must prove itself before it takes traffic.
 */
public record NodeHealth(boolean up, int passes, int timeouts, ProbeResult last, String lastError) {

  static final int TIMEOUTS_TO_DOWN = 3;
  static final int PASSES_TO_UP = 2;

  public static NodeHealth initial() {
    return new NodeHealth(false, 0, 0, null, "not probed yet");
  }

  public NodeHealth passed(ProbeResult result) {
    int newPasses = passes + 1;
    return new NodeHealth(up || newPasses >= PASSES_TO_UP, newPasses, 0, result, null);
  }

  public NodeHealth timedOut(String error) {
    int newTimeouts = timeouts + 1;
    boolean stillUp = up && newTimeouts < TIMEOUTS_TO_DOWN;
    return new NodeHealth(stillUp, 0, newTimeouts, stillUp ? last : null, error);
  }

  public NodeHealth failed(String error) {
    return new NodeHealth(false, 0, 0, null, error);
  }
}
