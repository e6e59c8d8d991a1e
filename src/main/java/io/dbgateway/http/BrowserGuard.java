package io.dbgateway.http;

import io.dbgateway.config.HttpConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a web page, or a name that rebinds to this address, cannot make the gateway do (issue #12). In
 * front of every route:
 * <ul>
 *   <li>framing: a {@code Transfer-Encoding} other than {@code chunked} is refused, and after a request
 *       with {@code Transfer-Encoding} the connection closes once it is answered: Netty drops a
 *       {@code Content-Length} sent with it, so one cannot be told from the other (RFC 9112, 6.1);</li>
 *   <li>{@code Host}: only the bound address, {@code localhost}, loopback and
 *       {@code GATEWAY_HTTP_ALLOWED_HOSTS} (403 otherwise), so DNS rebinding does not reach the gateway;
 *       not checked when it listens on every address and no names are set;</li>
 *   <li>{@code Origin}: a request from a browser page is refused (403) unless
 *       {@code GATEWAY_HTTP_CORS_ORIGINS} names the page's origin, which then gets CORS headers and its
 *       preflights answered;</li>
 *   <li>on the API paths, a body must be JSON ({@code application/json}; on the Data API paths also
 *       {@code application/x-amz-json-1.1}): anything else is 415, so a browser can never send one
 *       without a preflight.</li>
 * </ul>
 */
final class BrowserGuard implements Handler<RoutingContext> {

  private static final String ALLOW_HEADERS = "Authorization, Content-Type, Accept, Idempotency-Key, X-Request-Id,"
      + " X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token, X-Amz-User-Agent, Amz-Sdk-Invocation-Id,"
      + " Amz-Sdk-Request";

  private final Set<String> hosts;
  private final Set<String> origins;
  private final List<String> dataApiPaths;

  BrowserGuard(HttpConfig http, List<String> dataApiPaths) {
    this.dataApiPaths = List.copyOf(dataApiPaths);
    this.origins = Set.copyOf(http.corsOrigins());
    String bound = bare(http.host().toLowerCase(Locale.ROOT));
    boolean everywhere = bound.equals("0.0.0.0") || bound.equals("::") || bound.isEmpty();
    if (everywhere && http.allowedHosts().isEmpty()) {
      this.hosts = null; // no check: any name may reach a gateway on every address (keys are required there)
    } else {
      Set<String> allowed = new HashSet<>(http.allowedHosts());
      allowed.addAll(List.of(bound, "localhost", "127.0.0.1", "::1"));
      this.hosts = Set.copyOf(allowed);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (encoding != null) {
      // Netty drops a Content-Length sent with it, so whether there was one cannot be told here: after any
      // request with Transfer-Encoding, no next request is read off the connection (RFC 9112, 6.1).
      Problems.closeAfterAnswer(ctx);
      if (!encoding.trim().equalsIgnoreCase("chunked")) {
        Problems.send(ctx, Problem.of(ErrorCode.BAD_REQUEST, "Transfer-Encoding must be chunked, not '" + encoding + "'"));
        return;
      }
    }
    String host = request.getHeader(HttpHeaders.HOST);
    if (hosts != null && host != null && !hosts.contains(bare(withoutPort(host.toLowerCase(Locale.ROOT))))) {
      Problems.send(ctx, Problem.of(ErrorCode.FORBIDDEN, "the Host '" + host + "' is not this gateway's: add it to"
          + " GATEWAY_HTTP_ALLOWED_HOSTS if clients reach the gateway by that name"));
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null) {
      if (!origins.contains(origin.toLowerCase(Locale.ROOT))) {
        Problems.send(ctx, Problem.of(ErrorCode.FORBIDDEN, "requests from web pages are refused unless"
            + " GATEWAY_HTTP_CORS_ORIGINS names their origin"));
        return;
      }
      ctx.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", "Retry-After, X-Request-Id, Idempotency-Replayed");
      if (request.method() == HttpMethod.OPTIONS && request.getHeader("Access-Control-Request-Method") != null) {
        ctx.response().setStatusCode(204)
            .putHeader("Access-Control-Allow-Methods", "GET, POST")
            .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS)
            .putHeader("Access-Control-Max-Age", "600")
            .end();
        return;
      }
    }
    if (hasBody(request) && isApiPath(request.path()) && !isJson(request.getHeader(HttpHeaders.CONTENT_TYPE), request.path())) {
      Problems.sendAndClose(ctx, Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be sent as"
          + " Content-Type: application/json"));
      return;
    }
    ctx.next();
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || length != null && !length.trim().equals("0");
  }

  private boolean isApiPath(String path) {
    return path != null && (path.startsWith("/v1/") || dataApiPaths.contains(path));
  }

  private boolean isJson(String contentType, String path) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.equals("application/x-amz-json-1.1") && dataApiPaths.contains(path);
  }

  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close < 0 ? host : host.substring(0, close + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
