package io.dbgateway.error;

/**
 * Why a unit got no node at all: no node of the cluster may take it (a Galera cluster that lost its
 * quorum, every node down). The cause of that 503, so that nothing waits for the cluster to come back: the
 * answer is fast, and a keyed write is not settled by running it again.
 */
public final class NoEligibleNodeException extends RuntimeException {

  public NoEligibleNodeException(String message) {
    super(message, null, false, false);
  }
}
