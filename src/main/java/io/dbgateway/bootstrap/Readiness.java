package io.dbgateway.bootstrap;

import io.dbgateway.auth.Caller;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.galera.GaleraMonitor;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.node.NodeDatabase;
import io.dbgateway.resilience.Deadlines;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

/**
 * {@code /health/ready}: UP once the gateway serves (HTTP is deployed last, after migrations and the
 * database verticles), while the database answers, no breaker that matters is open, and on Galera a
 * writer is eligible.
 */
final class Readiness {

  private static final long PING_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Services services;
  private final GaleraMonitor monitor;

  private Readiness(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
    this.monitor = services.database().monitor();
  }

  /** The readiness checks of a gateway whose database is migrated and whose services are built. */
  static HealthChecks of(Vertx vertx, GatewayConfig config, GatewayMetrics metrics, Services services) {
    Readiness readiness = new Readiness(vertx, services);
    return HealthChecks.create(vertx)
        .register("breaker", p -> p.complete(readiness.breakers()))
        .register("galera", p -> p.complete(readiness.galera()))
        // The HTTP verticle that serves this check is deployed only once migrations have completed.
        .register("migrations", p -> p.complete(Status.OK()))
        .register("database", PING_TIMEOUT_MS + 500, p -> readiness.ping().onComplete(
            ok -> p.complete(Status.OK(new JsonObject().put("target", config.database().target()))),
            failure -> p.complete(Status.KO(new JsonObject().put("reason", "the database does not answer: "
                + services.operations().problem(Caller.TRUSTED, failure, "ping").detail())))))
        .register("cluster", p -> p.complete(Status.OK(metrics.clusterView())));
  }

  /**
   * This instance's own ping, not one sent on the event bus: in cluster mode the bus would take it to any
   * member, and readiness is this instance's.
   */
  private Future<Void> ping() {
    return Deadlines.within(vertx, services.executor().ping(), PING_TIMEOUT_MS, () -> GatewayException.of(
        ErrorCode.TIMEOUT, "no answer within " + PING_TIMEOUT_MS + " ms"));
  }

  /** DOWN while any node's breaker is open (a cluster still serves through the others, but says so). */
  private Status breakers() {
    JsonObject states = new JsonObject();
    boolean open = false;
    for (NodeDatabase nodeDb : services.database().chooser().mainDatabases()) {
      CircuitBreakerState state = nodeDb.breaker().state();
      states.put(nodeDb.node(), state.name());
      open |= state == CircuitBreakerState.OPEN
          && (monitor == null || nodeDb.node().equals(String.valueOf(monitor.view().writer())));
    }
    return open ? Status.KO(states.put("reason", "the circuit breaker is open: the database is failing"))
        : Status.OK(states);
  }

  /** On Galera: UP only with an eligible writer; the data names the writer and why each node is or is not eligible. */
  private Status galera() {
    if (monitor == null) {
      return Status.OK(new JsonObject().put("galera", false));
    }
    JsonObject view = monitor.toJson();
    String refusal = monitor.writerRefusal();
    return view.getString("writer") == null
        ? Status.KO(view.put("reason", refusal != null ? refusal : "no Galera node is eligible to take writes"))
        : Status.OK(view);
  }
}
