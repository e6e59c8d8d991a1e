package io.dbgateway.bridge;

import io.dbgateway.auth.ApiKeys;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.http.RateLimiter;
import io.dbgateway.operations.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge, for clients outside the JVM: framed JSON (a 4-byte big-endian length, then
 * UTF-8 JSON, the wire format of vertx-tcp-eventbus-bridge) on {@code GATEWAY_EVENTBUS_BRIDGE_PORT}, over
 * TLS when HTTPS is configured. Clients may send to the operation addresses only; nothing is delivered
 * outbound except the replies to their own requests; no frame may be larger than an HTTP body
 * ({@link BridgeConnection}).
 */
public final class EventBusBridgeVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EventBusBridgeVerticle.class);

  private final GatewayConfig config;
  private final RateLimiter limiter;
  private NetServer server;

  /** @param limiter the per-key request rate, one for the whole process (HTTP shares it) */
  public EventBusBridgeVerticle(GatewayConfig config, RateLimiter limiter) {
    this.config = config;
    this.limiter = limiter;
  }

  @Override
  public Future<?> start() {
    BridgeGuard guard = new BridgeGuard(new ApiKeys(config.security().apiKeys()), Operations.busReplyTimeoutMs(config),
        limiter);
    int maxFrameBytes = (int) Math.min(Integer.MAX_VALUE, config.http().maxBodyBytes());
    server = vertx.createNetServer(serverOptions())
        .connectHandler(socket -> BridgeConnection.serve(socket, vertx.eventBus(), guard, maxFrameBytes));
    return server.listen(config.eventBusBridgePort(), config.http().host())
        .onSuccess(listening -> log.info("event-bus bridge listening on {}:{}", config.http().host(),
            config.eventBusBridgePort()));
  }

  /** TLS with the HTTP certificate when one is configured: frames carry API keys. */
  private NetServerOptions serverOptions() {
    NetServerOptions options = new NetServerOptions();
    if (config.security().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.security().tlsCert().toString())
          .setKeyPath(config.security().tlsKey().toString()));
    }
    return options;
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
