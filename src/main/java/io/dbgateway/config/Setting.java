package io.dbgateway.config;

import java.util.List;

/**
 * One configuration setting: its key in {@code conf/gateway.json} (dotted path), the environment variable
 * that overrides it, its default and what it means. This table is the single source of the README's
 * configuration table.
 */
public record Setting(String key, String env, String defaultValue, String meaning) {

  public static final List<Setting> ALL = List.of(
      new Setting("db.type", "DB_TYPE", "postgresql",
          "`postgresql`, `mysql` (MySQL 8, MariaDB, Galera) or `sqlite`; `mariadb` is an alias of `mysql`"),
      new Setting("db.host", "DB_HOST", "localhost",
          "a host, or `h1[:port],h2[:port],...` for a Galera cluster"),
      new Setting("db.port", "DB_PORT", null, "5432 for postgresql, 3306 for mysql; the port for hosts that give none"),
      new Setting("db.name", "DB_NAME", "app_db",
          "the database; for sqlite the file `DB_NAME.db`, or a path if it contains `/` or ends in `.db`"),
      new Setting("db.user", "DB_USER", "app_user", "the user (never logged)"),
      new Setting("db.pass", "DB_PASS", "app_pass", "the password (never logged)"),
      new Setting("db.poolSize", "DB_POOL_SIZE", "10", "the most connections one gateway process opens to one node"),
      new Setting("db.maxRetries", "DB_MAX_RETRIES", "5", "connection attempts at start before giving up"),
      new Setting("db.retryDelay", "DB_RETRY_DELAY", "5",
          "seconds before the first retry; each later delay doubles, plus up to 20% jitter, up to the cap"),
      new Setting("db.retryDelayCap", "GATEWAY_DB_RETRY_DELAY_CAP", "60", "the longest delay between start-up attempts, in seconds"),
      new Setting("db.sslMode", "DB_SSL_MODE", "disable", "TLS to the database: `disable`, `require` or `verify-full`"),
      new Setting("db.sslCa", "DB_SSL_CA", null, "a PEM file of the CA that signed the database's certificate"),
      new Setting("pool.maxWaitQueue", "GATEWAY_POOL_MAX_WAIT_QUEUE", "100",
          "requests that may wait for a connection; past it, 503 at once"),
      new Setting("pool.waitTimeoutMs", "GATEWAY_POOL_WAIT_TIMEOUT_MS", "5000",
          "how long a request waits for a free connection before a 503"),
      new Setting("pool.idleTimeoutSeconds", "GATEWAY_POOL_IDLE_TIMEOUT", "300", "an idle connection is closed after this many seconds"),
      new Setting("pool.maxLifetimeSeconds", "GATEWAY_POOL_MAX_LIFETIME", "1800",
          "a connection is replaced after this many seconds"),
      new Setting("pool.connectTimeoutMs", "GATEWAY_POOL_CONNECT_TIMEOUT_MS", "5000", "how long opening one connection may take"),
      new Setting("http.host", "GATEWAY_HTTP_HOST", "127.0.0.1", "where HTTP listens (the Docker image sets `0.0.0.0`)"),
      new Setting("http.port", "GATEWAY_HTTP_PORT", "8080", "the HTTP port"),
      new Setting("http.maxBodyBytes", "GATEWAY_HTTP_MAX_BODY_BYTES", "1048576", "the largest request body; larger ones get 413"),
      new Setting("query.defaultMaxRows", "GATEWAY_QUERY_DEFAULT_MAX_ROWS", "1000", "rows returned when a request names no `maxRows`"),
      new Setting("query.maxRowsLimit", "GATEWAY_QUERY_MAX_ROWS_LIMIT", "100000", "the largest `maxRows` a request may ask for"),
      new Setting("query.defaultTimeoutMs", "GATEWAY_QUERY_DEFAULT_TIMEOUT_MS", "30000",
          "the statement timeout when a request names no `timeoutMs`"),
      new Setting("query.maxTimeoutMs", "GATEWAY_QUERY_MAX_TIMEOUT_MS", "300000", "the largest `timeoutMs` a request may ask for"),
      new Setting("query.maxStatements", "GATEWAY_QUERY_MAX_STATEMENTS", "1000",
          "the most statements in one transaction, or parameter sets in one batch"),
      new Setting("breaker.maxFailures", "GATEWAY_BREAKER_MAX_FAILURES", "5",
          "database-side failures within the window that open a node's circuit breaker"),
      new Setting("breaker.failureWindowMs", "GATEWAY_BREAKER_FAILURE_WINDOW_MS", "10000",
          "the rolling window in which breaker failures are counted"),
      new Setting("breaker.callGraceMs", "GATEWAY_BREAKER_CALL_GRACE_MS", "5000",
          "how long a database call may run past its statements' timeouts before it counts as a breaker failure"),
      new Setting("breaker.resetTimeoutMs", "GATEWAY_BREAKER_RESET_TIMEOUT_MS", "5000",
          "how long an open breaker answers 503 before it lets one probe call through"),
      new Setting("retry.maxAttempts", "GATEWAY_RETRY_MAX_ATTEMPTS", "3",
          "attempts of a unit whose failure provably did not commit (serialization failure, deadlock, lost connection before COMMIT)"),
      new Setting("retry.initialDelayMs", "GATEWAY_RETRY_INITIAL_DELAY_MS", "50",
          "the pause before the first retry; it doubles, with jitter, up to the maximum"),
      new Setting("retry.maxDelayMs", "GATEWAY_RETRY_MAX_DELAY_MS", "1000", "the longest pause between retries"),
      new Setting("idempotency.retentionSeconds", "GATEWAY_IDEMPOTENCY_RETENTION", "86400",
          "how long an idempotency key and its result are kept, in seconds"),
      new Setting("shutdown.drainMs", "GATEWAY_SHUTDOWN_DRAIN_MS", "10000",
          "after SIGTERM, how long in-flight requests may take to finish before their connections are closed"),
      new Setting("galera.pollMs", "GATEWAY_GALERA_POLL_MS", "1000", "how often each Galera node is probed"),
      new Setting("galera.probeTimeoutMs", "GATEWAY_GALERA_PROBE_TIMEOUT_MS", "800",
          "a probe slower than this counts as a timeout; 3 in a row take the node down"),
      new Setting("galera.maxRecvQueue", "GATEWAY_GALERA_MAX_RECV_QUEUE", "100",
          "readers with more write-sets waiting to apply (wsrep_local_recv_queue) are skipped"),
      new Setting("galera.writerPriority", "GATEWAY_GALERA_WRITER_PRIORITY", "",
          "`h1:port,h2:port`: preferred writers first; other nodes follow, lowest wsrep_local_index first"),
      new Setting("migrations", "GATEWAY_MIGRATIONS", "conf/migrations", "the Flyway root (`common/` plus `<vendor>/`)"),
      new Setting("migrationsBaseline", "GATEWAY_MIGRATIONS_BASELINE", "false",
          "`true` lets Flyway start on an existing schema that has no history table: it records a baseline at version 0, then applies every migration"),
      new Setting("queries", "GATEWAY_QUERIES", "conf/queries", "the named-query files"));

  /** The config file itself can only be named by the environment. */
  public static final String CONFIG_FILE_ENV = "GATEWAY_CONFIG";

  public static final String CONFIG_FILE_DEFAULT = "conf/gateway.json";
}
