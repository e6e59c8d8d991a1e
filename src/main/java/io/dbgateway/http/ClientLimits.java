package io.dbgateway.http;

import io.dbgateway.config.HttpConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What clients hold of the HTTP server across the whole process, whichever event loop serves them: the
 * request bodies in memory, the open connections, and the SigV4 signatures already used. One per process, shared by every HTTP verticle
 * instance, as the rate limiter is.
 */
public final class ClientLimits {

  final BodyReader.Budget bodies;
  final AtomicInteger connections = new AtomicInteger();
  /** The SigV4 signatures accepted and still inside their window: a replay to any event loop is refused. */
  final io.dbgateway.auth.SeenSignatures signatures = new io.dbgateway.auth.SeenSignatures(java.time.Instant::now);

  public ClientLimits(HttpConfig http) {
    this.bodies = new BodyReader.Budget(http.bodiesInFlightBytes(), http.bodiesInFlightPerAddress());
  }

  /** The bytes of request bodies held in memory now. */
  public long bodyBytesHeld() {
    return bodies.held();
  }

  /** The HTTP connections open now. */
  public int openConnections() {
    return connections.get();
  }
}
