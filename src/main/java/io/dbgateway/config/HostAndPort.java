package io.dbgateway.config;

/** One database node. */
public record HostAndPort(String host, int port) {

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
