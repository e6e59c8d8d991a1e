package io.dbgateway.config;

/** One database node. An IPv6 literal is kept without brackets; {@link #toString()} adds them. */
public record HostAndPort(String host, int port) {

  public HostAndPort {
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
  }

  /** {@code host:port}, with an IPv6 literal in brackets, as URLs want it. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
