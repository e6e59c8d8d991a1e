package io.dbgateway.config;

import io.dbgateway.auth.ApiKey;
import io.dbgateway.auth.Role;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the immutable {@link GatewayConfig}: built-in defaults, then the config file, then the
 * environment. Every problem is collected, so one start reports all of them.
 */
public final class ConfigLoader {

  /** Shorter secrets can be guessed; 16 characters of a random token is the floor. */
  static final int MIN_SECRET_LENGTH = 16;

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> values = new HashMap<>();

  private ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /** Loads the configuration from the file that {@code GATEWAY_CONFIG} names and from {@code env}. */
  public static GatewayConfig load(Map<String, String> env) {
    return new ConfigLoader(env).load();
  }

  private GatewayConfig load() {
    for (Setting s : Setting.ALL) {
      if (s.defaultValue() != null) {
        values.put(s.key(), s.defaultValue());
      }
    }
    readFile();
    for (Setting s : Setting.ALL) {
      String value = env.get(s.env());
      if (value != null) {
        values.put(s.key(), value.trim());
      }
    }
    GatewayConfig config = parse();
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return config;
  }

  private void readFile() {
    String named = env.get(Setting.CONFIG_FILE_ENV);
    Path file = Path.of(named == null || named.isBlank() ? Setting.CONFIG_FILE_DEFAULT : named);
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(file));
    } catch (NoSuchFileException e) {
      if (named != null && !named.isBlank()) {
        problems.add(Setting.CONFIG_FILE_ENV + ": config file " + file + " does not exist");
      }
      return;
    } catch (IOException | DecodeException e) {
      problems.add("config file " + file + " cannot be read as JSON: " + e.getMessage());
      return;
    }
    flatten("", json);
  }

  private void flatten(String prefix, JsonObject json) {
    for (String field : json.fieldNames()) {
      String key = prefix + field;
      Object value = json.getValue(field);
      if (value instanceof JsonObject nested) {
        flatten(key + ".", nested);
      } else if (Setting.ALL.stream().noneMatch(s -> s.key().equals(key))) {
        problems.add("config file: unknown setting '" + key + "'");
      } else if (value != null) {
        values.put(key, value.toString());
      }
    }
  }

  /** {@code GATEWAY_SESSION_RESET}: {@code auto} (after work that may have changed the session) or {@code always}. */
  private boolean resetEverySession() {
    String mode = text("pool.sessionReset").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("always")) {
      problems.add(envOf("pool.sessionReset") + " must be auto or always, not '" + text("pool.sessionReset") + "'");
    }
    return mode.equals("always");
  }

  private GatewayConfig parse() {
    DatabaseConfig database = parseDatabase();
    int poolSize = integer("db.poolSize", 1, 10_000);
    PoolConfig pool = new PoolConfig(
        poolSize,
        integer("pool.maxWaitQueue", 0, 1_000_000),
        Duration.ofMillis(integer("pool.waitTimeoutMs", 1, 3_600_000)),
        Duration.ofSeconds(integer("pool.idleTimeoutSeconds", 0, 86_400)),
        Duration.ofSeconds(integer("pool.maxLifetimeSeconds", 0, 604_800)),
        Duration.ofMillis(integer("pool.connectTimeoutMs", 1, 600_000)),
        resetEverySession());
    HttpConfig http = new HttpConfig(
        text("http.host"), integer("http.port", 0, 65_535), integer("http.maxBodyBytes", 1, Integer.MAX_VALUE),
        integer("http.bodiesInFlightBytes", 1, Integer.MAX_VALUE), integer("http.bodyTimeoutMs", 1, 3_600_000),
        integer("http.headerTimeoutMs", 1, 3_600_000), integer("http.idleTimeoutSeconds", 0, 86_400),
        integer("http.maxConnections", 1, 1_000_000), names("http.allowedHosts"), names("http.corsOrigins"));
    if (http.bodiesInFlightBytes() < http.maxBodyBytes()) {
      problems.add(envOf("http.bodiesInFlightBytes") + " (" + http.bodiesInFlightBytes() + ") is below "
          + envOf("http.maxBodyBytes") + " (" + http.maxBodyBytes() + "): no body could be read");
    }
    int maxRowsLimit = integer("query.maxRowsLimit", 1, Integer.MAX_VALUE);
    int defaultMaxRows = integer("query.defaultMaxRows", 1, Integer.MAX_VALUE);
    long maxTimeout = integer("query.maxTimeoutMs", 1, Integer.MAX_VALUE);
    long defaultTimeout = integer("query.defaultTimeoutMs", 1, Integer.MAX_VALUE);
    if (defaultMaxRows > maxRowsLimit) {
      problems.add(envOf("query.defaultMaxRows") + " (" + defaultMaxRows + ") is above "
          + envOf("query.maxRowsLimit") + " (" + maxRowsLimit + ")");
    }
    if (defaultTimeout > maxTimeout) {
      problems.add(envOf("query.defaultTimeoutMs") + " (" + defaultTimeout + ") is above "
          + envOf("query.maxTimeoutMs") + " (" + maxTimeout + ")");
    }
    long longestRequestMs = maxTimeout + pool.waitTimeout().toMillis();
    if (http.idleTimeoutSeconds() > 0 && http.idleTimeoutSeconds() * 1000L <= longestRequestMs) {
      problems.add(envOf("http.idleTimeoutSeconds") + " (" + http.idleTimeoutSeconds() + " s) must exceed the longest"
          + " request, " + envOf("query.maxTimeoutMs") + " plus " + envOf("pool.waitTimeoutMs") + " ("
          + longestRequestMs + " ms): a connection waiting for its answer would be closed");
    }
    QueryConfig query = new QueryConfig(
        defaultMaxRows, maxRowsLimit, defaultTimeout, maxTimeout, integer("query.maxStatements", 1, 1_000_000),
        integer("query.streamFetchRows", 1, 100_000), integer("query.maxResultBytes", 1, Integer.MAX_VALUE));
    ResilienceConfig resilience = new ResilienceConfig(
        integer("breaker.maxFailures", 1, 1_000_000),
        Duration.ofMillis(integer("breaker.failureWindowMs", 1, 3_600_000)),
        Duration.ofMillis(integer("breaker.callGraceMs", 1, 3_600_000)),
        Duration.ofMillis(integer("breaker.resetTimeoutMs", 1, 3_600_000)),
        integer("retry.maxAttempts", 1, 100),
        Duration.ofMillis(integer("retry.initialDelayMs", 0, 60_000)),
        Duration.ofMillis(integer("retry.maxDelayMs", 0, 600_000)),
        Duration.ofSeconds(integer("idempotency.retentionSeconds", 1, 31_536_000)),
        Duration.ofMillis(integer("shutdown.drainMs", 0, 3_600_000)));
    String priority = text("galera.writerPriority");
    GaleraConfig galera = new GaleraConfig(
        Duration.ofMillis(integer("galera.pollMs", 50, 3_600_000)),
        Duration.ofMillis(integer("galera.probeTimeoutMs", 10, 3_600_000)),
        integer("galera.maxRecvQueue", 0, Integer.MAX_VALUE),
        priority.isBlank() ? List.of() : parseHosts(priority, database.type().defaultPort()));
    SecurityConfig security = parseSecurity(http.host());
    LimitsConfig limits = new LimitsConfig(integer("limits.maxParams", 1, 65_535),
        integer("limits.requestsPerSecond", 0, 1_000_000), integer("limits.burst", 0, 1_000_000));
    TransactionConfig transactions = new TransactionConfig(
        Duration.ofMillis(integer("transactions.idleTimeoutMs", 100, 86_400_000)),
        Duration.ofMillis(integer("transactions.maxLifetimeMs", 100, 86_400_000)),
        0, 0);
    transactions = transactionShare(transactions, poolSize);
    Integer bridgePort = values.containsKey("eventBusBridgePort") ? integer("eventBusBridgePort", 0, 65_535) : null;
    return new GatewayConfig(database, pool, http, query, resilience, galera, security, limits, transactions,
        bridgePort, folder("migrations"),
        bool("migrationsBaseline"),
        baselineVersion(),
        folder("queries"),
        cluster());
  }

  /** Cluster mode's settings; off by default, and then the others are not read. */
  private ClusterConfig cluster() {
    if (!bool("cluster.enabled")) {
      return ClusterConfig.OFF;
    }
    String members = text("cluster.members").trim();
    String host = text("cluster.host").trim();
    if (host.isEmpty()) {
      problems.add(envOf("cluster.host") + " must name this instance's address for the other members");
    }
    String name = text("cluster.name").trim();
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      problems.add(envOf("cluster.name") + " must be 1 to 64 letters, digits, '.', '_' or '-', not '" + name + "'");
    }
    int port = integer("cluster.port", 1, 65_535);
    return new ClusterConfig(true, members.isEmpty() ? List.of()
        : parseHosts(envOf("cluster.members"), members, ClusterConfig.DEFAULT_PORT), host, port, name);
  }

  /**
   * The share of the pool interactive transactions may hold: by default half of it, and per key half of
   * that; set explicitly, never the whole pool (short operations always keep a connection), and never
   * more per key than in all.
   */
  private TransactionConfig transactionShare(TransactionConfig transactions, int poolSize) {
    int maxOpen = values.containsKey("transactions.maxOpen")
        ? integer("transactions.maxOpen", 1, 1_000_000) : Math.max(1, poolSize / 2);
    if (maxOpen > Math.max(1, poolSize - 1)) {
      problems.add(envOf("transactions.maxOpen") + " (" + maxOpen + ") must be below " + envOf("db.poolSize") + " ("
          + poolSize + "), so that interactive transactions never hold every connection (1 is allowed with a pool of 1)");
    }
    int perKey = values.containsKey("transactions.maxOpenPerKey")
        ? integer("transactions.maxOpenPerKey", 1, 1_000_000) : Math.max(1, maxOpen / 2);
    if (perKey > maxOpen) {
      problems.add(envOf("transactions.maxOpenPerKey") + " (" + perKey + ") is above " + envOf("transactions.maxOpen")
          + " (" + maxOpen + ")");
    }
    return new TransactionConfig(transactions.idleTimeout(), transactions.maxLifetime(), maxOpen, perKey);
  }

  /** A Flyway version such as {@code 2} or {@code 2.1}, or null for {@code auto}. */
  private String baselineVersion() {
    String version = text("migrationsBaselineVersion").trim();
    if (version.equalsIgnoreCase("auto")) {
      return null;
    }
    if (!version.matches("\\d+(\\.\\d+)*")) {
      problems.add(envOf("migrationsBaselineVersion") + " must be auto or a migration version such as 2 or 2.1, not '"
          + version + "'");
    }
    return version;
  }

  /**
   * A folder setting. The default may be absent (nothing to migrate, no named queries); a folder named
   * explicitly must exist, so a misspelt path is an error rather than silently nothing.
   */
  private Path folder(String key) {
    Path folder = Path.of(text(key));
    String defaultValue = Setting.ALL.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow().defaultValue();
    if (!text(key).equals(defaultValue) && !Files.isDirectory(folder)) {
      problems.add(envOf(key) + ": " + folder + " is not a folder");
    }
    return folder;
  }

  /**
   * Keys from the environment and the keys file, TLS files, and the secure-by-default rule: without
   * keys, anonymous access is served only on a loopback address, unless {@code GATEWAY_AUTH=none}.
   */
  private SecurityConfig parseSecurity(String httpHost) {
    List<ApiKey> keys = new ArrayList<>();
    if (values.containsKey("auth.apiKeys") && !text("auth.apiKeys").isBlank()) {
      for (String entry : text("auth.apiKeys").split(",")) {
        parseKey(entry.trim(), "GATEWAY_API_KEYS").ifPresent(keys::add);
      }
    }
    if (values.containsKey("auth.apiKeysFile") && !text("auth.apiKeysFile").isBlank()) {
      keys.addAll(readKeysFile(Path.of(text("auth.apiKeysFile"))));
    }
    Set<String> ids = new HashSet<>();
    Set<String> secrets = new HashSet<>();
    for (ApiKey key : keys) {
      if (!ids.add(key.id())) {
        problems.add("API key id '" + key.id() + "' is configured twice");
      }
      if (!secrets.add(key.secret())) {
        problems.add("API key '" + key.id() + "' has the same secret as another key");
      }
    }
    String mode = text("auth.mode").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("keys") && !mode.equals("none")) {
      problems.add("GATEWAY_AUTH must be keys or none, not '" + text("auth.mode") + "'");
    }
    boolean authNone = mode.equals("none");
    if (keys.isEmpty() && !authNone && !isLoopback(httpHost)) {
      problems.add("GATEWAY_HTTP_HOST " + httpHost + " is not a loopback address and no API keys are configured:"
          + " set GATEWAY_API_KEYS (id:role:secret), or set GATEWAY_AUTH=none to serve anonymous requests on the network");
    }
    Path cert = optionalFile("http.tlsCert");
    Path key = optionalFile("http.tlsKey");
    if ((cert == null) != (key == null)) {
      problems.add("GATEWAY_TLS_CERT and GATEWAY_TLS_KEY must be set together");
    } else if (cert != null && Files.isReadable(cert) && Files.isReadable(key)) {
      checkPem(cert, key);
    }
    return new SecurityConfig(keys, authNone, cert, key);
  }

  /** A certificate that does not parse, or a key file without a PEM private key, is a config problem. */
  private void checkPem(Path cert, Path key) {
    try (java.io.InputStream in = Files.newInputStream(cert)) {
      if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        problems.add("GATEWAY_TLS_CERT " + cert + " holds no PEM certificate");
      }
    } catch (IOException | java.security.cert.CertificateException e) {
      problems.add("GATEWAY_TLS_CERT " + cert + " is not a PEM certificate chain (" + e.getMessage() + ")");
    }
    try {
      // Never echo the key file: it is a secret.
      if (!PEM_PRIVATE_KEY.matcher(Files.readString(key)).find()) {
        problems.add("GATEWAY_TLS_KEY " + key + " is not an unencrypted PEM private key"
            + " (-----BEGIN PRIVATE KEY-----, RSA or EC)");
      }
    } catch (IOException e) {
      problems.add("GATEWAY_TLS_KEY " + key + " cannot be read: " + e.getMessage());
    }
  }

  private static final java.util.regex.Pattern PEM_PRIVATE_KEY =
      java.util.regex.Pattern.compile("-----BEGIN (RSA |EC )?PRIVATE KEY-----");

  private Optional<ApiKey> parseKey(String entry, String source) {
    String[] parts = entry.split(":", 3);
    if (parts.length != 3 || parts[0].isBlank() || parts[2].isBlank()) {
      // Never echo the entry: it holds a secret.
      problems.add(source + ": an entry is not id:role:secret");
      return Optional.empty();
    }
    Optional<Role> role = Role.parse(parts[1]);
    if (role.isEmpty()) {
      problems.add(source + ": key '" + parts[0] + "' has role '" + parts[1] + "'; roles are read, write and named");
      return Optional.empty();
    }
    if (parts[2].length() < MIN_SECRET_LENGTH) {
      problems.add(source + ": key '" + parts[0] + "' has a secret shorter than " + MIN_SECRET_LENGTH + " characters");
      return Optional.empty();
    }
    return Optional.of(new ApiKey(parts[0].trim(), role.get(), parts[2]));
  }

  private List<ApiKey> readKeysFile(Path file) {
    List<ApiKey> keys = new ArrayList<>();
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
          problems.add("GATEWAY_API_KEYS_FILE " + file + " is readable by group or others; chmod 600 it");
          return keys;
        }
      }
      for (String line : Files.readAllLines(file)) {
        String entry = line.strip();
        if (!entry.isEmpty() && !entry.startsWith("#")) {
          parseKey(entry, "GATEWAY_API_KEYS_FILE").ifPresent(keys::add);
        }
      }
    } catch (IOException e) {
      problems.add("GATEWAY_API_KEYS_FILE " + file + " cannot be read: " + e.getMessage());
    }
    return keys;
  }

  private Path optionalFile(String key) {
    if (!values.containsKey(key) || text(key).isBlank()) {
      return null;
    }
    Path file = Path.of(text(key));
    if (!Files.isReadable(file)) {
      problems.add(envOf(key) + ": " + file + " is not a readable file");
    }
    return file;
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private DatabaseConfig parseDatabase() {
    String typeValue = text("db.type");
    Optional<DbType> parsedType = DbType.parse(typeValue);
    if (parsedType.isEmpty()) {
      problems.add("DB_TYPE '" + typeValue + "' is not supported; supported values: " + DbType.supportedValues());
    }
    DbType type = parsedType.orElse(DbType.POSTGRESQL);
    int defaultPort = values.containsKey("db.port") ? integer("db.port", 1, 65_535) : type.defaultPort();
    String name = text("db.name");
    List<HostAndPort> hosts = parseHosts(text("db.host"), defaultPort);
    if (hosts.size() > 1 && type == DbType.POSTGRESQL) {
      problems.add("DB_HOST lists " + hosts.size() + " hosts, but a host list is only for a mysql (Galera) cluster;"
          + " give postgresql one host");
    }
    Path sqliteFile = DatabaseConfig.sqliteFileOf(name);
    SslMode sslMode = SslMode.DISABLE;
    try {
      sslMode = SslMode.parse(text("db.sslMode"));
    } catch (IllegalArgumentException e) {
      problems.add("DB_SSL_MODE '" + text("db.sslMode") + "' is not one of disable, require, verify-full");
    }
    Path sslCa = values.containsKey("db.sslCa") ? Path.of(values.get("db.sslCa")) : null;
    if (sslCa != null && !Files.isReadable(sslCa)) {
      problems.add("DB_SSL_CA: " + sslCa + " is not a readable file");
    }
    if (sslMode == SslMode.VERIFY_FULL && sslCa == null) {
      problems.add("DB_SSL_MODE=verify-full needs DB_SSL_CA");
    }
    if (name.isBlank()) {
      problems.add("DB_NAME must not be empty");
    }
    int maxRetries = integer("db.maxRetries", 1, 1_000);
    Duration retryDelay = Duration.ofMillis(Math.round(decimal("db.retryDelay", 0, 3_600) * 1000));
    Duration retryDelayCap = Duration.ofMillis(Math.round(decimal("db.retryDelayCap", 0, 86_400) * 1000));
    String readUser = values.containsKey("db.readUser") && !text("db.readUser").isBlank() ? text("db.readUser") : null;
    String readPass = values.containsKey("db.readPass") ? text("db.readPass") : null;
    if (readUser == null && readPass != null) {
      problems.add("DB_READ_PASS is set without DB_READ_USER");
    }
    if (readUser != null && readPass == null) {
      problems.add("DB_READ_USER needs DB_READ_PASS (empty is allowed: DB_READ_PASS=)");
    }
    if (readUser != null && type == DbType.SQLITE) {
      problems.add("DB_READ_USER has no meaning for sqlite: its read-only work already runs on read-only connections");
    }
    return new DatabaseConfig(type, hosts, name, text("db.user"), text("db.pass"), sqliteFile, sslMode, sslCa,
        maxRetries, retryDelay, retryDelayCap, readUser, readUser == null ? null : readPass, databases(type, name));
  }

  /** A database name a server engine takes: what PostgreSQL and MySQL allow unquoted, and {@code -}. */
  private static final java.util.regex.Pattern SERVER_DATABASE = java.util.regex.Pattern.compile("[A-Za-z0-9_$-]{1,63}");

  /**
   * {@code GATEWAY_DATABASES}: {@code DB_NAME} first (always served), then each other name once. On a
   * server a name is an identifier; on SQLite a file name or path, by the rule of {@code DB_NAME}.
   */
  private List<String> databases(DbType type, String main) {
    List<String> databases = new ArrayList<>(List.of(main));
    if (!values.containsKey("db.databases") || text("db.databases").isBlank()) {
      return databases;
    }
    for (String part : text("db.databases").split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty()) {
        problems.add("GATEWAY_DATABASES '" + text("db.databases") + "' has an empty entry");
      } else if (type == DbType.SQLITE ? name.chars().anyMatch(Character::isISOControl)
          : !SERVER_DATABASE.matcher(name).matches()) {
        problems.add("GATEWAY_DATABASES entry '" + name + "' is not a database name: "
            + (type == DbType.SQLITE ? "a file name or path without control characters"
                : "1 to 63 letters, digits, _, $ or -"));
      } else if (databases.contains(name) && !name.equals(main)) {
        problems.add("GATEWAY_DATABASES names '" + name + "' twice");
      } else if (!databases.contains(name)) {
        databases.add(name);
      }
    }
    return databases;
  }

  private List<HostAndPort> parseHosts(String value, int defaultPort) {
    return parseHosts("DB_HOST", value, defaultPort);
  }

  /** A {@code host[:port],...} list named by {@code setting} (its environment variable, for the problems). */
  private List<HostAndPort> parseHosts(String setting, String value, int defaultPort) {
    List<HostAndPort> hosts = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        problems.add(setting + " '" + value + "' has an empty entry");
        continue;
      }
      int colon = entry.lastIndexOf(':');
      boolean bareIpv6 = !entry.startsWith("[") && entry.indexOf(':') != colon; // "::1": no port possible
      if (colon < 0 || bareIpv6 || entry.startsWith("[") && !entry.contains("]:")) {
        hosts.add(new HostAndPort(entry, defaultPort));
        continue;
      }
      String host = entry.substring(0, colon);
      if (host.isEmpty()) {
        problems.add(setting + " entry '" + entry + "' has no host name");
        continue;
      }
      try {
        int port = Integer.parseInt(entry.substring(colon + 1));
        if (port < 1 || port > 65_535) {
          throw new NumberFormatException();
        }
        hosts.add(new HostAndPort(host, port));
      } catch (NumberFormatException e) {
        problems.add(setting + " entry '" + entry + "' has an invalid port");
      }
    }
    return hosts;
  }

  /** A comma-separated list, each entry trimmed and lower-cased, empty entries dropped. */
  private List<String> names(String key) {
    List<String> names = new ArrayList<>();
    for (String name : text(key).split(",")) {
      if (!name.isBlank()) {
        names.add(name.trim().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private String text(String key) {
    return values.getOrDefault(key, "");
  }

  private boolean bool(String key) {
    String raw = text(key).trim().toLowerCase(java.util.Locale.ROOT);
    if (!raw.equals("true") && !raw.equals("false")) {
      problems.add(envOf(key) + " must be true or false, not '" + text(key) + "'");
    }
    return raw.equals("true");
  }

  private int integer(String key, int min, int max) {
    String raw = text(key);
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        problems.add(envOf(key) + " must be between " + min + " and " + max + ", not " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(envOf(key) + " must be a whole number, not '" + raw + "'");
      return min;
    }
  }

  private double decimal(String key, double min, double max) {
    String raw = text(key);
    try {
      double value = Double.parseDouble(raw);
      if (!(value >= min && value <= max)) {
        problems.add(envOf(key) + " must be between " + min + " and " + max + ", not " + raw);
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(envOf(key) + " must be a number, not '" + raw + "'");
      return min;
    }
  }

  private static String envOf(String key) {
    return Setting.ALL.stream().filter(s -> s.key().equals(key)).map(Setting::env).findFirst().orElse(key);
  }
}
