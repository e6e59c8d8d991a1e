package io.dbgateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the immutable {@link GatewayConfig}: built-in defaults, then the config file, then the
 * environment. Every problem is collected, so one start reports all of them.
 */
public final class ConfigLoader {

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

  private GatewayConfig parse() {
    DatabaseConfig database = parseDatabase();
    int poolSize = integer("db.poolSize", 1, 10_000);
    PoolConfig pool = new PoolConfig(
        poolSize,
        integer("pool.maxWaitQueue", 0, 1_000_000),
        Duration.ofMillis(integer("pool.waitTimeoutMs", 1, 3_600_000)),
        Duration.ofSeconds(integer("pool.idleTimeoutSeconds", 0, 86_400)),
        Duration.ofSeconds(integer("pool.maxLifetimeSeconds", 0, 604_800)),
        Duration.ofMillis(integer("pool.connectTimeoutMs", 1, 600_000)));
    HttpConfig http = new HttpConfig(
        text("http.host"), integer("http.port", 0, 65_535), integer("http.maxBodyBytes", 1, Integer.MAX_VALUE));
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
    QueryConfig query = new QueryConfig(
        defaultMaxRows, maxRowsLimit, defaultTimeout, maxTimeout, integer("query.maxStatements", 1, 1_000_000));
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
    return new GatewayConfig(database, pool, http, query, resilience, galera, Path.of(text("migrations")),
        bool("migrationsBaseline"),
        Path.of(text("queries")));
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
    Path sqliteFile = name.contains("/") || name.endsWith(".db") ? Path.of(name) : Path.of(name + ".db");
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
    return new DatabaseConfig(type, hosts, name, text("db.user"), text("db.pass"), sqliteFile, sslMode, sslCa,
        maxRetries, retryDelay, retryDelayCap);
  }

  private List<HostAndPort> parseHosts(String value, int defaultPort) {
    List<HostAndPort> hosts = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        problems.add("DB_HOST '" + value + "' has an empty entry");
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
        problems.add("DB_HOST entry '" + entry + "' has no host name");
        continue;
      }
      try {
        int port = Integer.parseInt(entry.substring(colon + 1));
        if (port < 1 || port > 65_535) {
          throw new NumberFormatException();
        }
        hosts.add(new HostAndPort(host, port));
      } catch (NumberFormatException e) {
        problems.add("DB_HOST entry '" + entry + "' has an invalid port");
      }
    }
    return hosts;
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
