package io.dbgateway.bootstrap;

import io.dbgateway.api.Addresses;
import io.dbgateway.api.RequestParser;
import io.dbgateway.config.DbType;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.db.ConnectionSource;
import io.dbgateway.db.DatabaseVerticle;
import io.dbgateway.db.Dialect;
import io.dbgateway.db.MySqlColumnTypes;
import io.dbgateway.db.MySqlDialect;
import io.dbgateway.db.Pools;
import io.dbgateway.db.PostgresDialect;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.db.SqliteDialect;
import io.dbgateway.http.HttpVerticle;
import io.dbgateway.resilience.NodeBreaker;
import io.dbgateway.resilience.RetryPolicy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up in order: wait for the database, migrate it, deploy the database verticles, then HTTP.
 * Readiness turns UP only once all of that is done and the database answers.
 */
public final class BootstrapVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BootstrapVerticle.class);
  private static final long PING_TIMEOUT_MS = 2_000;
  private static final long SWEEP_PERIOD_MS = 60_000;

  private final GatewayConfig config;
  private final AtomicBoolean migrated = new AtomicBoolean();
  private ConnectionSource connections;
  private SqlExecutor executor;

  public BootstrapVerticle(GatewayConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    int connectTimeout = (int) Math.max(1, config.pool().connectTimeout().toSeconds());
    List<Jdbc> nodes = config.database().type() == DbType.SQLITE
        ? List.of(new Jdbc(config.database(), null, connectTimeout))
        : config.database().hosts().stream().map(h -> new Jdbc(config.database(), h, connectTimeout)).toList();
    HealthChecks liveness = HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK()));
    HealthChecks readiness = readiness();
    return DatabaseWaiter.forNodes(vertx, config.database(), nodes).await()
        .compose(reached -> vertx.executeBlocking(() -> Migrations.run(reached.node(), config.migrations()), false)
            .map(migration -> reached))
        .compose(reached -> {
          migrated.set(true);
          HostAndPort node = reached.node().node() == null ? config.database().hosts().get(0) : reached.node().node();
          Dialect dialect = dialect(reached.version(), reached.node());
          connections = Pools.create(vertx, config.database(), config.pool(), node, config.query().defaultTimeoutMs());
          NodeBreaker breaker = new NodeBreaker(vertx, node.toString(), config.resilience());
          executor = new SqlExecutor(dialect, connections, breaker, new RetryPolicy(vertx, config.resilience()),
              config.pool().waitTimeout());
          RequestParser parser = new RequestParser(config.query());
          return vertx.deployVerticle(() -> new DatabaseVerticle(executor, parser), instances());
        })
        .compose(db -> vertx.deployVerticle(() -> new HttpVerticle(config, liveness, readiness), instances()))
        .andThen(deployed -> sweepIdempotencyKeysPeriodically())
        .onSuccess(http -> log.info("DB Gateway ready: {} on http://{}:{}", config.database().target(),
            config.http().host(), config.http().port()));
  }

  private Dialect dialect(String version, Jdbc jdbc) {
    return switch (config.database().type()) {
      case POSTGRESQL -> new PostgresDialect(config.query().defaultTimeoutMs());
      case MYSQL -> new MySqlDialect(version.toLowerCase(Locale.ROOT).contains("mariadb"),
          new MySqlColumnTypes(vertx, jdbc.url(), config.database().user(), config.database().password()));
      case SQLITE -> new SqliteDialect(vertx);
    };
  }

  private void sweepIdempotencyKeysPeriodically() {
    Duration retention = config.resilience().idempotencyRetention();
    long periodMs = Math.max(1_000, Math.min(SWEEP_PERIOD_MS, retention.toMillis()));
    vertx.setPeriodic(periodMs, id -> executor.sweepIdempotencyKeys(retention).onComplete(
        swept -> log.debug("forgot {} idempotency keys older than {}", swept, retention),
        failure -> log.warn("could not sweep idempotency keys: {}", failure.getMessage())));
  }

  private HealthChecks readiness() {
    return HealthChecks.create(vertx)
        .register("breaker", p -> {
          if (executor == null) {
            p.complete(Status.KO(new JsonObject().put("reason", "the database verticles are not deployed yet")));
            return;
          }
          CircuitBreakerState state = executor.breaker().state();
          JsonObject data = new JsonObject().put("node", executor.breaker().node()).put("state", state.name());
          p.complete(state == CircuitBreakerState.OPEN
              ? Status.KO(data.put("reason", "the circuit breaker is open: the database is failing"))
              : Status.OK(data));
        })
        .register("migrations", p -> p.complete(migrated.get() ? Status.OK() : Status.KO(
            new JsonObject().put("reason", "migrations have not completed"))))
        .register("database", PING_TIMEOUT_MS + 500, p -> vertx.eventBus()
            .request(Addresses.PING, new JsonObject(), new DeliveryOptions().setSendTimeout(PING_TIMEOUT_MS))
            .onComplete(
                ok -> p.complete(Status.OK(new JsonObject().put("target", config.database().target()))),
                failure -> p.complete(Status.KO(new JsonObject().put("reason", "the database does not answer: "
                    + HttpVerticle.fromBus(failure).detail())))));
  }

  private static DeploymentOptions instances() {
    return new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors());
  }

  @Override
  public Future<?> stop() {
    return connections == null ? Future.succeededFuture() : connections.close();
  }
}
