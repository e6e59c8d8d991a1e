package io.dbgateway.config;

import java.nio.file.Path;

/**
 * The whole configuration, parsed once at start and immutable afterwards.
 *
 * @param eventBusBridgePort the TCP event-bus bridge port, or null when the bridge is off
 * @param migrationsBaselineVersion the version an existing schema without history is baselined at, or
 *     null to read it from the schema ({@code auto})
 */
public record GatewayConfig(
    DatabaseConfig database,
    PoolConfig pool,
    HttpConfig http,
    QueryConfig query,
    ResilienceConfig resilience,
    GaleraConfig galera,
    SecurityConfig security,
    LimitsConfig limits,
    TransactionConfig transactions,
    Integer eventBusBridgePort,
    Path migrations,
    boolean migrationsBaseline,
    String migrationsBaselineVersion,
    Path queries,
    ClusterConfig cluster) {}
