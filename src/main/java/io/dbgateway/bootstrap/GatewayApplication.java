package io.dbgateway.bootstrap;

import io.dbgateway.error.Causes;
import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.InvalidConfigException;
import io.dbgateway.logging.AsyncAccessAppender;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.driver.Driver;
import io.dbgateway.driver.Drivers;
import io.dbgateway.named.NamedQueries;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The entry point: {@code java -jar db-gateway.jar}. */
public final class GatewayApplication {

  private static final Logger log = LoggerFactory.getLogger(GatewayApplication.class);

  /** Exit status when the database never answered or start-up failed otherwise. */
  public static final int EXIT_STARTUP_FAILED = 1;

  private GatewayApplication() {}

  /**
   * Netty 4.2 registers its buffer-allocation events with Java Flight Recorder the first time it
   * allocates a chunk, which is on the first request, and that costs about 0.1 s there (the JFR
   * metadata is loaded). These events are only useful to someone recording Netty's allocator, so they
   * are off unless {@code -Dio.netty.jfr.enabled=true} asks for them.
   */
  static final String NETTY_JFR = "io.netty.jfr.enabled";

  /** How long joining the cluster may take before start-up fails. */
  private static final long CLUSTER_JOIN_LIMIT_MS = 60_000;

  public static void main(String[] args) {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    // The metrics registry takes a few hundred ms to build, most of it loading Micrometer's and the
    // Prometheus client's classes: it is built on a second thread while this one reads the configuration.
    java.util.concurrent.CompletableFuture<GatewayMetrics> metricsBuilt = new java.util.concurrent.CompletableFuture<>();
    Thread metricsBuilder = new Thread(() -> {
      try {
        metricsBuilt.complete(new GatewayMetrics());
      } catch (Throwable e) {
        metricsBuilt.completeExceptionally(e);
      }
    }, "db-gateway-metrics");
    metricsBuilder.setDaemon(true);
    metricsBuilder.start();
    GatewayConfig config;
    Driver driver;
    NamedQueries namedQueries;
    try {
      config = ConfigLoader.load(System.getenv());
      // The one choice of the engine's driver: everything after is handed it.
      driver = Drivers.of(config.database().type());
      namedQueries = BootstrapVerticle.loadNamedQueries(config, driver);
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      System.exit(InvalidConfigException.EXIT_STATUS);
      return;
    }
    StartupWarmup.start(driver);
    GatewayMetrics metrics = metricsBuilt.join();
    Vertx vertx;
    try {
      // In cluster mode, this joins the cluster first (docs/cluster.md): nothing is served before.
      vertx = metrics.newVertx(config.cluster()).await(CLUSTER_JOIN_LIMIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.error("could not join the cluster {} at {}:{} (GATEWAY_CLUSTER_*): {}", config.cluster().name(),
          config.cluster().host(), config.cluster().port(), e.getMessage());
      System.exit(EXIT_STARTUP_FAILED);
      return;
    }
    long closeLimitMs = config.resilience().shutdownDrain().toMillis() + 10_000;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx, closeLimitMs)));
    // SIGTERM is the orchestrator's normal stop: drain, close, and exit 0 rather than the JVM's 143.
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (!stopping.compareAndSet(false, true)) {
          // A second signal must not cut the drain short: closing Vert.x again would return at once.
          log.info("SIG{} received again: already shutting down", name);
          return;
        }
        new Thread(() -> {
          log.info("SIG{} received: draining in-flight requests (at most {} ms), then closing",
              name, config.resilience().shutdownDrain().toMillis());
          if (close(vertx, closeLimitMs)) {
            log.info("shut down cleanly");
          } else {
            log.warn("closing took longer than {} ms; exiting with work still open", closeLimitMs);
          }
          // halt skips the shutdown hooks, the access log's among them: write out its queue first.
          AsyncAccessAppender.flushAll();
          Runtime.getRuntime().halt(0);
        }, "db-gateway-shutdown").start();
      });
    }
    vertx.deployVerticle(new BootstrapVerticle(config, driver, metrics, namedQueries)).onFailure(failure -> {
      // One line, logged once: it is the last thing the operator sees.
      log.error(oneLine(failure, config));
      // Not System.exit on the event loop: the shutdown hook closes Vert.x, which needs this thread free.
      Thread exit = new Thread(() -> System.exit(EXIT_STARTUP_FAILED), "db-gateway-exit");
      exit.setDaemon(false);
      exit.start();
    });
  }

  /** Closes Vert.x: HTTP drains, then the pools close. Answers whether that finished within {@code limitMs}. */
  private static boolean close(Vertx vertx, long limitMs) {
    try {
      vertx.close().await(limitMs, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Whether the server could not listen: NIO reports a {@link BindException}, Netty's epoll transport an
   * {@code IOException} whose message names the bind call and the address in use.
   */
  private static boolean isBindFailure(Throwable root) {
    return root instanceof BindException
        || root instanceof java.io.IOException && root.getMessage() != null && root.getMessage().startsWith("bind(")
        && root.getMessage().contains("Address already in use");
  }

  /** The one line an operator sees when start-up fails. */
  static String oneLine(Throwable failure, GatewayConfig config) {
    Throwable root = Causes.root(failure);
    String text;
    if (failure instanceof StartupException) {
      text = failure.getMessage();
    } else if (isBindFailure(root)) {
      text = "start-up failed: cannot listen on " + config.http().host() + ":" + config.http().port()
          + " (GATEWAY_HTTP_HOST / GATEWAY_HTTP_PORT): " + root.getMessage();
    } else {
      text = "start-up failed: " + failure;
      if (root != failure) {
        text += " (cause: " + root + ")";
      }
    }
    return text.replaceAll("\\s+", " ").trim();
  }
}
