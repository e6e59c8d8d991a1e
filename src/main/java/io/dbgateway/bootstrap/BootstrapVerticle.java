package io.dbgateway.bootstrap;

import io.dbgateway.api.Addresses;
import io.dbgateway.api.RequestParser;
import io.dbgateway.config.DbType;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.db.ConnectionSource;
import io.dbgateway.db.DatabaseVerticle;
import io.dbgateway.db.Dialect;
import io.dbgateway.db.MySqlDialect;
import io.dbgateway.db.Pools;
import io.dbgateway.db.PostgresDialect;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.db.SqliteDialect;
import io.dbgateway.http.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
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

  private final GatewayConfig config;
  private final AtomicBoolean migrated = new AtomicBoolean();
  private ConnectionSource connections;

  public BootstrapVerticle(GatewayConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    HostAndPort node = config.database().hosts().get(0);
    Jdbc jdbc = new Jdbc(config.database(), config.database().type() == DbType.SQLITE ? null : node,
        (int) Math.max(1, config.pool().connectTimeout().toSeconds()));
    HealthChecks liveness = HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK()));
    HealthChecks readiness = readiness();
    return new DatabaseWaiter(vertx, config.database(), jdbc).await()
        .compose(version -> vertx.executeBlocking(() -> Migrations.run(jdbc, config.migrations()), false)
            .map(migration -> version))
        .compose(version -> {
          migrated.set(true);
          Dialect dialect = dialect(version);
          connections = Pools.create(vertx, config.database(), config.pool(), node);
          SqlExecutor executor = new SqlExecutor(dialect, connections);
          RequestParser parser = new RequestParser(config.query());
          return vertx.deployVerticle(() -> new DatabaseVerticle(executor, parser), instances());
        })
        .compose(db -> vertx.deployVerticle(() -> new HttpVerticle(config, liveness, readiness), instances()))
        .onSuccess(http -> log.info("DB Gateway ready: {} on http://{}:{}", config.database().target(),
            config.http().host(), config.http().port()));
  }

  private Dialect dialect(String version) {
    return switch (config.database().type()) {
      case POSTGRESQL -> new PostgresDialect();
      case MYSQL -> new MySqlDialect(version.toLowerCase(Locale.ROOT).contains("mariadb"));
      case SQLITE -> new SqliteDialect(vertx);
    };
  }

  private HealthChecks readiness() {
    return HealthChecks.create(vertx)
        .register("migrations", p -> p.complete(migrated.get() ? Status.OK() : Status.KO(
            new JsonObject().put("reason", "migrations have not completed"))))
        .register("database", PING_TIMEOUT_MS + 500, p -> vertx.eventBus()
            .request(Addresses.PING, new JsonObject(), new DeliveryOptions().setSendTimeout(PING_TIMEOUT_MS))
            .onComplete(
                ok -> p.complete(Status.OK(new JsonObject().put("target", config.database().target()))),
                failure -> p.complete(Status.KO(new JsonObject().put("reason", "the database does not answer: "
                    + failure.getMessage())))));
  }

  private static DeploymentOptions instances() {
    return new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors());
  }

  @Override
  public Future<?> stop() {
    return connections == null ? Future.succeededFuture() : connections.close();
  }
}
