package io.dbgateway.config;

import io.dbgateway.auth.ApiKey;
import java.nio.file.Path;
import java.util.List;

/**
 * Who may call the gateway, and how HTTP is encrypted.
 *
 * @param apiKeys the keys from {@code GATEWAY_API_KEYS} and the keys file; empty means anonymous access
 * @param authNone {@code GATEWAY_AUTH=none}: anonymous access is allowed on a non-loopback address too
 * @param tlsCert the PEM certificate chain for HTTPS, or null for plain HTTP
 * @param tlsKey the PEM private key for HTTPS, or null for plain HTTP
 */
public record SecurityConfig(List<ApiKey> apiKeys, boolean authNone, Path tlsCert, Path tlsKey) {

  public SecurityConfig {
    apiKeys = List.copyOf(apiKeys);
  }

  public boolean anonymous() {
    return apiKeys.isEmpty();
  }

  public boolean tls() {
    return tlsCert != null;
  }
}
