package io.dbgateway.config;

import java.nio.file.Path;

/** The whole configuration, parsed once at start and immutable afterwards. */
public record GatewayConfig(
    DatabaseConfig database,
    PoolConfig pool,
    HttpConfig http,
    QueryConfig query,
    ResilienceConfig resilience,
    GaleraConfig galera,
    Path migrations,
    boolean migrationsBaseline,
    Path queries) {}
