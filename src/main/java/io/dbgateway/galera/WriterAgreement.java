package io.dbgateway.galera;

import io.dbgateway.config.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * How the gateway instances of a cluster agree on one Galera writer (cluster mode): a choice they all
 * share, changed only by compare-and-set. The {@link GaleraMonitor} of each instance judges the nodes from
 * its own probes as before, but writes only to the shared choice, and only while this instance may trust
 * it ({@link #refusal()} is null); when the shared writer is not eligible here it proposes its own rule's
 * choice in its place. A single instance has no agreement: its monitor's choice is the writer.
 */
public interface WriterAgreement {

  /** The writer as last read from the shared choice, or null when there is none (yet). */
  HostAndPort agreed();

  /**
   * Why this instance must not write to {@link #agreed()} now (it sees too few instances, has not read the
   * shared choice recently, or was just paused), or null when it may.
   */
  String refusal();

  /** Reads the shared choice again; completes when it has been read (or could not be), never failing. */
  Future<Void> refresh();

  /**
   * Proposes {@code proposal} as the writer in place of {@code expected} (null: there is no choice yet):
   * it takes only if the shared choice is still {@code expected}. Completes once the shared choice has been
   * read back, whoever won, never failing.
   */
  Future<Void> propose(HostAndPort expected, HostAndPort proposal);

  /** Runs {@code changed} when the shared choice or this instance's standing may have changed. */
  void onChange(Runnable changed);

  /** Stops watching the shared choice. */
  void close();

  /** The agreement's state, for readiness and the state events. */
  JsonObject toJson();
}
