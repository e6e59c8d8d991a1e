package io.dbgateway.logging;

import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * Registers the {@link LogContext} context local. A context local must exist before the first Vert.x
 * instance is built; Vert.x loads its service providers first, so this registers it in time however
 * Vert.x is started (listed in {@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}).
 */
public final class LogContextProvider implements VertxServiceProvider {

  static final ContextLocal<LogContext> LOCAL = ContextLocal.registerLocal(LogContext.class);

  @Override
  public void init(VertxBootstrap builder) {
    // Nothing to set up: loading this class registered the local.
  }
}
