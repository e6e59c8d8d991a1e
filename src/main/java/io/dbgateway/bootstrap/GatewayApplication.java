package io.dbgateway.bootstrap;

import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.config.InvalidConfigException;
import io.vertx.core.Vertx;
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
      String line = failure instanceof StartupException ? failure.getMessage()
          : "start-up failed: " + failure;
      log.error(line);
      System.err.println("db-gateway: " + line);
      System.exit(EXIT_STARTUP_FAILED);
    });
  }
}
