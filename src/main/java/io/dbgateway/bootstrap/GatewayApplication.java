package io.dbgateway.bootstrap;

import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.InvalidConfigException;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The entry point: {@code java -jar db-gateway.jar}. */
public final class GatewayApplication {

  private static final Logger log = LoggerFactory.getLogger(GatewayApplication.class);

  /** Exit status when the database never answered or start-up failed otherwise. */
  public static final int EXIT_STARTUP_FAILED = 1;

  private GatewayApplication() {}

  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = ConfigLoader.load(System.getenv());
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      System.exit(InvalidConfigException.EXIT_STATUS);
      return;
    }
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Exiting anyway.
      }
    }));
    vertx.deployVerticle(new BootstrapVerticle(config)).onFailure(failure -> {
      // One line, logged once: it is the last thing the operator sees.
      log.error(oneLine(failure, config));
      // Not System.exit on the event loop: the shutdown hook closes Vert.x, which needs this thread free.
      Thread exit = new Thread(() -> System.exit(EXIT_STARTUP_FAILED), "db-gateway-exit");
      exit.setDaemon(false);
      exit.start();
    });
  }

  /** The one line an operator sees when start-up fails. */
  static String oneLine(Throwable failure, GatewayConfig config) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text;
    if (failure instanceof StartupException) {
      text = failure.getMessage();
    } else if (root instanceof BindException) {
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
