package io.dbgateway.http;

import io.dbgateway.auth.Caller;
import io.dbgateway.logging.LogContext;
import io.vertx.ext.web.RoutingContext;

/** The caller an HTTP request was authenticated as, kept on its routing context. */
public final class HttpCaller {

  private static final String KEY = "dbgateway.caller";

  private HttpCaller() {}

  public static void set(RoutingContext ctx, Caller caller) {
    ctx.put(KEY, caller);
    LogContext.keyId(caller.keyId());
  }

  /** The key id the request was authenticated as, or null before (or without) authentication. */
  public static String keyIdIfKnown(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    return caller == null ? null : caller.keyId();
  }

  /** The authenticated caller; {@link Caller#ANONYMOUS} when authentication let the request through without a key. */
  public static Caller of(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    return caller == null ? Caller.ANONYMOUS : caller;
  }
}
