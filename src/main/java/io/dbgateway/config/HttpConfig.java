package io.dbgateway.config;

/**
 * Where the HTTP API listens, and what one client may hold of it before it is authenticated.
 *
 * @param maxBodyBytes the largest request body (and TCP bridge frame)
 * @param bodiesInFlightBytes request bodies held in memory at once, across the process; one client
 *     address may hold a quarter of it (at least one whole body)
 * @param bodyTimeoutMs how long a body may take to arrive whole, after its headers
 * @param headerTimeoutMs how long a request's headers may take to arrive whole, from the connection's
 *     opening or the end of its previous answer
 * @param idleTimeoutSeconds a connection with no bytes either way for this long is closed
 * @param maxConnections connections open at once, across the process; past it a new one is closed at once
 * @param allowedHosts names a request's {@code Host} may carry besides the bound address and loopback
 * @param corsOrigins the web origins allowed to call the API from a browser (CORS); none by default
 */
public record HttpConfig(String host, int port, long maxBodyBytes, long bodiesInFlightBytes, long bodyTimeoutMs,
    long headerTimeoutMs, int idleTimeoutSeconds, int maxConnections, java.util.List<String> allowedHosts,
    java.util.List<String> corsOrigins) {

  public HttpConfig {
    allowedHosts = java.util.List.copyOf(allowedHosts);
    corsOrigins = java.util.List.copyOf(corsOrigins);
  }

  /** The bytes of bodies one client address may hold at once. */
  public long bodiesInFlightPerAddress() {
    return Math.max(maxBodyBytes, bodiesInFlightBytes / 4);
  }
}
