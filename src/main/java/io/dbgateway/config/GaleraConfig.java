package io.dbgateway.config;

import java.time.Duration;
import java.util.List;

/**
 * How the Galera monitor polls and routes.
 *
 * @param writerPriority nodes in preference order for a new writer; unlisted nodes follow, lowest
 *     {@code wsrep_local_index} first
 * @param maxRecvQueue a reader with more write-sets waiting to apply is skipped
 */
public record GaleraConfig(Duration pollInterval, Duration probeTimeout, long maxRecvQueue,
    List<HostAndPort> writerPriority) {

  public GaleraConfig {
    writerPriority = List.copyOf(writerPriority);
  }
}
