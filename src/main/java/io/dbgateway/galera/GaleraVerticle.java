package io.dbgateway.galera;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Runs the Galera monitor on its own event loop for as long as the gateway is deployed. */
public final class GaleraVerticle extends VerticleBase {

  private final GaleraMonitor monitor;

  public GaleraVerticle(GaleraMonitor monitor) {
    this.monitor = monitor;
  }

  @Override
  public Future<?> start() {
    return monitor.start();
  }

  @Override
  public Future<?> stop() {
    return monitor.stop();
  }
}
