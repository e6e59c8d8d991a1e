package io.dbgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path emptyFile;

  @BeforeEach
  void emptyConfigFile() throws IOException {
    // Each test names its own file, so the project's conf/gateway.json never leaks in.
    emptyFile = Files.writeString(dir.resolve("empty.json"), "{}");
  }

  /** The environment given, plus GATEWAY_CONFIG pointing at an empty file unless the test names one. */
  private GatewayConfig load(String... keyValues) {
    return ConfigLoader.load(env(keyValues));
  }

  private Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_CONFIG", emptyFile.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  private InvalidConfigException invalid(String... keyValues) {
    try {
      load(keyValues);
    } catch (InvalidConfigException e) {
      return e;
    }
    throw new AssertionError("expected InvalidConfigException for " + List.of(keyValues));
  }

  // ---- the read-only login ----

  @Test
  void aReadOnlyLoginNeedsItsPasswordIsNeverShownAndIsRefusedForSqlite() {
    GatewayConfig config = load("DB_READ_USER", "gw_reader", "DB_READ_PASS", "s3cret-read");
    assertThat(config.database().readUser()).isEqualTo("gw_reader");
    assertThat(config.database().asReadUser().user()).isEqualTo("gw_reader");
    assertThat(config.database().asReadUser().password()).isEqualTo("s3cret-read");
    assertThat(config.database().toString()).doesNotContain("s3cret-read").doesNotContain("gw_reader");
    assertThat(load().database().readUser()).isNull();
    assertThat(invalid("DB_READ_USER", "gw_reader").getMessage()).contains("DB_READ_USER needs DB_READ_PASS");
    assertThat(invalid("DB_READ_PASS", "x").getMessage()).contains("DB_READ_PASS is set without DB_READ_USER");
    assertThat(invalid("DB_TYPE", "sqlite", "DB_READ_USER", "r", "DB_READ_PASS", "x").getMessage())
        .contains("DB_READ_USER has no meaning for sqlite");
  }

  // ---- the transactions' share of the pool ----

  @Test
  void gatewayDatabasesServesDbNameFirstAndEachOtherNameOnce() {
    assertThat(load().database().databases()).containsExactly("app_db");
    DatabaseConfig db = load("DB_NAME", "app_db", "GATEWAY_DATABASES", " reports, app_db ,audit-2024").database();
    assertThat(db.databases()).containsExactly("app_db", "reports", "audit-2024");
    assertThat(db.serves("reports")).isTrue();
    assertThat(db.serves("other")).isFalse();
    DatabaseConfig reports = db.forDatabase("reports");
    assertThat(reports.name()).isEqualTo("reports");
    assertThat(reports.isMain()).isFalse();
    assertThat(reports.mainDatabase()).isEqualTo("app_db");
    assertThat(db.isMain()).isTrue();
    DatabaseConfig sqlite = load("DB_TYPE", "sqlite", "DB_NAME", "/data/app.db", "GATEWAY_DATABASES", "reports,/data/x.db")
        .database();
    assertThat(sqlite.forDatabase("reports").sqliteFile()).isEqualTo(Path.of("reports.db"));
    assertThat(sqlite.forDatabase("/data/x.db").sqliteFile()).isEqualTo(Path.of("/data/x.db"));
  }

  @Test
  void gatewayDatabasesWithEmptyRepeatedOrMalformedNamesIsRefusedAtStartUp() {
    InvalidConfigException e = invalid("GATEWAY_DATABASES", "reports,,reports,bad name;DROP,"
        + "x".repeat(64));
    assertThat(e.problems()).anyMatch(p -> p.contains("GATEWAY_DATABASES") && p.contains("empty entry"))
        .anyMatch(p -> p.contains("GATEWAY_DATABASES names 'reports' twice"))
        .anyMatch(p -> p.contains("'bad name;DROP' is not a database name"))
        .anyMatch(p -> p.contains("'" + "x".repeat(64) + "' is not a database name"));
  }

  @Test
  void clusterModeIsOffByDefaultAndTakesItsMembersHostPortAndName() {
    assertThat(load().cluster()).isEqualTo(ClusterConfig.OFF);
    assertThat(load("GATEWAY_CLUSTER_MEMBERS", "not read:while:off").cluster().enabled()).isFalse();
    ClusterConfig cluster = load("GATEWAY_CLUSTER", "true", "GATEWAY_CLUSTER_MEMBERS", "10.0.0.1:5801, gw2",
        "GATEWAY_CLUSTER_HOST", "10.0.0.3", "GATEWAY_CLUSTER_PORT", "5802", "GATEWAY_CLUSTER_NAME", "orders-prod").cluster();
    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.members()).containsExactly(new HostAndPort("10.0.0.1", 5801), new HostAndPort("gw2", 5701));
    assertThat(cluster.host()).isEqualTo("10.0.0.3");
    assertThat(cluster.port()).isEqualTo(5802);
    assertThat(cluster.name()).isEqualTo("orders-prod");
    assertThat(load("GATEWAY_CLUSTER", "true").cluster().members()).isEmpty();
  }

  @Test
  void badClusterSettingsAreRefusedAtStartUpNamingTheSetting() {
    InvalidConfigException e = invalid("GATEWAY_CLUSTER", "true", "GATEWAY_CLUSTER_MEMBERS", "a:1,,b:99999",
        "GATEWAY_CLUSTER_HOST", " ", "GATEWAY_CLUSTER_PORT", "0", "GATEWAY_CLUSTER_NAME", "two words");
    assertThat(e.problems())
        .anyMatch(p -> p.contains("GATEWAY_CLUSTER_MEMBERS") && p.contains("empty entry"))
        .anyMatch(p -> p.contains("GATEWAY_CLUSTER_MEMBERS entry 'b:99999' has an invalid port"))
        .anyMatch(p -> p.contains("GATEWAY_CLUSTER_HOST"))
        .anyMatch(p -> p.contains("GATEWAY_CLUSTER_PORT must be between 1 and 65535"))
        .anyMatch(p -> p.contains("GATEWAY_CLUSTER_NAME"));
    assertThat(invalid("GATEWAY_CLUSTER", "yes").getMessage()).contains("GATEWAY_CLUSTER must be true or false");
  }

  @Test
  void transactionsGetHalfThePoolAndEachKeyHalfOfThatByDefault() {
    TransactionConfig ten = load("DB_POOL_SIZE", "10").transactions();
    assertThat(ten.maxOpen()).isEqualTo(5);
    assertThat(ten.maxOpenPerKey()).isEqualTo(2);
    TransactionConfig one = load("DB_POOL_SIZE", "1").transactions();
    assertThat(one.maxOpen()).isEqualTo(1);
    assertThat(one.maxOpenPerKey()).isEqualTo(1);
    TransactionConfig set = load("DB_POOL_SIZE", "10", "GATEWAY_TX_MAX_OPEN", "9", "GATEWAY_TX_MAX_OPEN_PER_KEY", "9")
        .transactions();
    assertThat(set.maxOpen()).isEqualTo(9);
    assertThat(set.maxOpenPerKey()).isEqualTo(9);
  }

  @Test
  void transactionSharesThatCouldHoldTheWholePoolAreRefusedAtStartUp() {
    assertThat(invalid("DB_POOL_SIZE", "10", "GATEWAY_TX_MAX_OPEN", "10").getMessage())
        .contains("GATEWAY_TX_MAX_OPEN (10) must be below DB_POOL_SIZE (10)");
    assertThat(invalid("DB_POOL_SIZE", "10", "GATEWAY_TX_MAX_OPEN", "4", "GATEWAY_TX_MAX_OPEN_PER_KEY", "5")
        .getMessage()).contains("GATEWAY_TX_MAX_OPEN_PER_KEY (5) is above GATEWAY_TX_MAX_OPEN (4)");
    assertThat(invalid("DB_POOL_SIZE", "4", "GATEWAY_TX_MAX_OPEN_PER_KEY", "3").getMessage())
        .contains("GATEWAY_TX_MAX_OPEN_PER_KEY (3) is above GATEWAY_TX_MAX_OPEN (2)");
  }

  @Test
  void sessionsAreResetAfterChangingWorkUnlessEveryResetIsAsked() {
    assertThat(load().pool().resetEverySession()).isFalse();
    assertThat(load("GATEWAY_SESSION_RESET", "always").pool().resetEverySession()).isTrue();
    assertThat(load("GATEWAY_SESSION_RESET", "AUTO").pool().resetEverySession()).isFalse();
    assertThat(invalid("GATEWAY_SESSION_RESET", "never").getMessage())
        .contains("GATEWAY_SESSION_RESET must be auto or always, not 'never'");
  }

  // ---- folders ----

  @Test
  void anExplicitlyNamedFolderThatDoesNotExistIsAProblem() {
    InvalidConfigException e = invalid("GATEWAY_QUERIES", dir.resolve("qeuries").toString(),
        "GATEWAY_MIGRATIONS", dir.resolve("migratoins").toString());
    assertThat(e.problems()).anyMatch(p -> p.startsWith("GATEWAY_QUERIES") && p.contains("qeuries"))
        .anyMatch(p -> p.startsWith("GATEWAY_MIGRATIONS") && p.contains("migratoins"));
  }

  @Test
  void theDefaultFoldersMayBeAbsent() {
    // The defaults are relative to the working directory, which may hold no conf/ at all.
    GatewayConfig config = load();
    assertThat(config.queries()).isEqualTo(Path.of("conf/queries"));
    assertThat(config.migrations()).isEqualTo(Path.of("conf/migrations"));
  }

  @Test
  void theBaselineVersionIsReadFromTheSchemaUnlessAVersionIsNamed() {
    assertThat(load().migrationsBaselineVersion()).isNull();
    assertThat(load("GATEWAY_MIGRATIONS_BASELINE_VERSION", "AUTO").migrationsBaselineVersion()).isNull();
    assertThat(load("GATEWAY_MIGRATIONS_BASELINE_VERSION", "3.1").migrationsBaselineVersion()).isEqualTo("3.1");
    assertThat(invalid("GATEWAY_MIGRATIONS_BASELINE_VERSION", "latest").getMessage())
        .contains("GATEWAY_MIGRATIONS_BASELINE_VERSION must be auto or a migration version such as 2 or 2.1, not 'latest'");
  }

  // ---- defaults ----

  @Test
  void everyDbDefaultFromTheContract() {
    GatewayConfig config = load();
    DatabaseConfig db = config.database();
    assertThat(db.type()).isEqualTo(DbType.POSTGRESQL);
    assertThat(db.hosts()).containsExactly(new HostAndPort("localhost", 5432));
    assertThat(db.name()).isEqualTo("app_db");
    assertThat(db.user()).isEqualTo("app_user");
    assertThat(db.password()).isEqualTo("app_pass");
    assertThat(config.pool().size()).isEqualTo(10);
    assertThat(db.maxRetries()).isEqualTo(5);
    assertThat(db.retryDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(db.retryDelayCap()).isGreaterThanOrEqualTo(db.retryDelay());
    assertThat(db.sslMode()).isEqualTo(SslMode.DISABLE);
    assertThat(db.sslCa()).isNull();
  }

  @Test
  void gatewayDefaultsFromTheContract() {
    GatewayConfig config = load();
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.migrations()).isEqualTo(Path.of("conf/migrations"));
    assertThat(config.queries()).isEqualTo(Path.of("conf/queries"));
  }

  @Test
  void mysqlDefaultsToPort3306() {
    DatabaseConfig db = load("DB_TYPE", "mysql").database();
    assertThat(db.type()).isEqualTo(DbType.MYSQL);
    assertThat(db.hosts()).containsExactly(new HostAndPort("localhost", 3306));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mariadb", "MariaDB", " mariadb "})
  void mariadbIsAnAliasOfMysql(String value) {
    DatabaseConfig db = load("DB_TYPE", value).database();
    assertThat(db.type()).isEqualTo(DbType.MYSQL);
    assertThat(db.hosts()).containsExactly(new HostAndPort("localhost", 3306));
  }

  @Test
  void explicitPortWinsOverTheTypeDefault() {
    assertThat(load("DB_TYPE", "mysql", "DB_PORT", "3307").database().hosts())
        .containsExactly(new HostAndPort("localhost", 3307));
  }

  // ---- refused values ----

  @ParameterizedTest
  @ValueSource(strings = {"oracle", "mssql", "postgres-ish", ""})
  void unsupportedDbTypeIsRefusedAndTheMessageListsTheSupportedValues(String value) {
    InvalidConfigException e = invalid("DB_TYPE", value);
    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage()).contains("DB_TYPE").contains("'" + value + "'")
        .contains("postgresql").contains("mysql").contains("sqlite").contains("mariadb");
    assertThat(InvalidConfigException.EXIT_STATUS).isEqualTo(2);
  }

  @Test
  void everyProblemIsReportedTogether() {
    InvalidConfigException e = invalid(
        "DB_TYPE", "oracle",
        "DB_POOL_SIZE", "zero",
        "GATEWAY_HTTP_PORT", "99999",
        "DB_MAX_RETRIES", "0",
        "DB_RETRY_DELAY", "soon",
        "DB_SSL_MODE", "maybe");
    assertThat(e.problems()).hasSize(6);
    assertThat(e.getMessage())
        .contains("6 problems")
        .contains("oracle")
        .contains("DB_POOL_SIZE").contains("zero")
        .contains("GATEWAY_HTTP_PORT").contains("99999")
        .contains("DB_MAX_RETRIES")
        .contains("DB_RETRY_DELAY").contains("soon")
        .contains("DB_SSL_MODE").contains("maybe");
  }

  @ParameterizedTest
  @CsvSource({"DB_PORT, 0", "DB_PORT, 65536", "DB_PORT, x", "DB_POOL_SIZE, 0", "DB_POOL_SIZE, -3",
      "DB_MAX_RETRIES, 0", "DB_MAX_RETRIES, 2.5", "DB_RETRY_DELAY, -1", "DB_RETRY_DELAY, NaN",
      "GATEWAY_DB_RETRY_DELAY_CAP, -5", "GATEWAY_HTTP_PORT, -1", "DB_NAME, ' '"})
  void outOfRangeValuesAreRefusedNamingTheVariable(String variable, String value) {
    InvalidConfigException e = invalid(variable, value);
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0)).contains(variable);
  }

  @Test
  void retryDelayAcceptsDecimals() {
    DatabaseConfig db = load("DB_RETRY_DELAY", "0.5", "GATEWAY_DB_RETRY_DELAY_CAP", "2.25").database();
    assertThat(db.retryDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(db.retryDelayCap()).isEqualTo(Duration.ofMillis(2250));
  }

  @Test
  void valuesAreTrimmed() {
    GatewayConfig config = load("DB_POOL_SIZE", " 7 ", "DB_HOST", " db.example ");
    assertThat(config.pool().size()).isEqualTo(7);
    assertThat(config.database().hosts()).containsExactly(new HostAndPort("db.example", 5432));
  }

  // ---- precedence: defaults < config file < environment ----

  @Test
  void configFileOverridesDefaultsAndEnvironmentOverridesTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("gateway.json"), """
        {"db": {"type": "mysql", "name": "file_db", "user": "file_user", "poolSize": 20, "retryDelay": 1.5},
         "http": {"port": 9001, "host": "0.0.0.0"}, "auth": {"mode": "none"},
         "migrations": "%s"}
        """.formatted(Files.createDirectories(dir.resolve("file/migrations"))));
    GatewayConfig config = ConfigLoader.load(Map.of(
        "GATEWAY_CONFIG", file.toString(),
        "DB_NAME", "env_db",
        "GATEWAY_HTTP_PORT", "9002"));
    // the environment wins
    assertThat(config.database().name()).isEqualTo("env_db");
    assertThat(config.http().port()).isEqualTo(9002);
    // the file wins over the defaults
    assertThat(config.database().type()).isEqualTo(DbType.MYSQL);
    assertThat(config.database().hosts()).containsExactly(new HostAndPort("localhost", 3306));
    assertThat(config.database().user()).isEqualTo("file_user");
    assertThat(config.pool().size()).isEqualTo(20);
    assertThat(config.database().retryDelay()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.migrations()).isEqualTo(dir.resolve("file/migrations"));
    // untouched by either: the default
    assertThat(config.database().password()).isEqualTo("app_pass");
    assertThat(config.database().maxRetries()).isEqualTo(5);
  }

  @Test
  void environmentTypeOverridesFileTypeAndWithItTheDefaultPort() throws IOException {
    Path file = Files.writeString(dir.resolve("gateway.json"), "{\"db\": {\"type\": \"mysql\"}}");
    GatewayConfig config = ConfigLoader.load(Map.of("GATEWAY_CONFIG", file.toString(), "DB_TYPE", "postgresql"));
    assertThat(config.database().type()).isEqualTo(DbType.POSTGRESQL);
    assertThat(config.database().hosts()).containsExactly(new HostAndPort("localhost", 5432));
  }

  @Test
  void unknownKeysInTheConfigFileAreReportedWithTheOtherProblems() throws IOException {
    Path file = Files.writeString(dir.resolve("gateway.json"), """
        {"db": {"nmae": "typo_db", "name": "ok_db"}, "bogus": 1, "http": {"port": 8081, "tls": {"x": 1}}}
        """);
    InvalidConfigException e = null;
    try {
      ConfigLoader.load(Map.of("GATEWAY_CONFIG", file.toString(), "DB_POOL_SIZE", "zero"));
    } catch (InvalidConfigException thrown) {
      e = thrown;
    }
    assertThat(e).as("unknown keys must be refused").isNotNull();
    assertThat(e.problems()).hasSize(4);
    assertThat(e.getMessage()).contains("'db.nmae'").contains("'bogus'").contains("'http.tls.x'")
        .contains("DB_POOL_SIZE");
  }

  @Test
  void aConfigFileThatIsNotJsonIsReported() throws IOException {
    Path file = Files.writeString(dir.resolve("gateway.json"), "{ db: ");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEWAY_CONFIG", file.toString())))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void aNamedConfigFileThatDoesNotExistIsReported() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("GATEWAY_CONFIG", missing.toString())))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("GATEWAY_CONFIG")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void theShippedConfFileLoadsWhenNoneIsNamed() {
    // Tests run in the project root, as the gateway does.
    assertThat(Path.of("conf/gateway.json")).exists();
    GatewayConfig config = ConfigLoader.load(Map.of());
    assertThat(config.database().type()).isEqualTo(DbType.POSTGRESQL);
  }

  // ---- hosts ----

  @Test
  void galeraHostListUsesDbPortDefaultForHostsWithoutOne() {
    DatabaseConfig db = load("DB_TYPE", "mysql", "DB_HOST", "h1:3311,h2,h3:3313").database();
    assertThat(db.hosts()).containsExactly(
        new HostAndPort("h1", 3311), new HostAndPort("h2", 3306), new HostAndPort("h3", 3313));
  }

  @Test
  void galeraHostListUsesAnExplicitDbPortForHostsWithoutOne() {
    DatabaseConfig db = load("DB_TYPE", "mariadb", "DB_HOST", " h1:3311 , h2 ,h3:3313", "DB_PORT", "4000").database();
    assertThat(db.hosts()).containsExactly(
        new HostAndPort("h1", 3311), new HostAndPort("h2", 4000), new HostAndPort("h3", 3313));
    assertThat(db.target()).isEqualTo("mysql://h1:3311,h2:4000,h3:3313/app_db");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h1:0", "h1:70000", "h1:abc", "h1,,h2", ":3306", "h1,"})
  void badHostEntriesAreReported(String hosts) {
    InvalidConfigException e = invalid("DB_TYPE", "mysql", "DB_HOST", hosts);
    assertThat(e.getMessage()).contains("DB_HOST");
  }

  @Test
  void aHostListIsRefusedForPostgresql() {
    InvalidConfigException e = invalid("DB_HOST", "h1,h2");
    assertThat(e.getMessage()).contains("DB_HOST").contains("mysql");
  }

  @Test
  void ipv6LiteralsKeepTheirPortApart() {
    assertThat(load("DB_HOST", "[::1]:5433").database().hosts()).containsExactly(new HostAndPort("::1", 5433));
    assertThat(load("DB_HOST", "[::1]").database().hosts()).containsExactly(new HostAndPort("::1", 5432));
    assertThat(load("DB_HOST", "::1").database().hosts()).containsExactly(new HostAndPort("::1", 5432));
    assertThat(new HostAndPort("::1", 5433).toString()).isEqualTo("[::1]:5433");
  }

  // ---- sqlite ----

  @ParameterizedTest
  @CsvSource({
      "app_db, app_db.db",
      "shop, shop.db",
      "shop.db, shop.db",
      "data/shop, data/shop",
      "/var/lib/gw/shop.sqlite, /var/lib/gw/shop.sqlite",
      "./local, ./local"})
  void sqliteFileRules(String name, String expected) {
    DatabaseConfig db = load("DB_TYPE", "sqlite", "DB_NAME", name).database();
    assertThat(db.type()).isEqualTo(DbType.SQLITE);
    assertThat(db.sqliteFile()).isEqualTo(Path.of(expected));
    assertThat(db.target()).isEqualTo("sqlite:" + Path.of(expected));
  }

  @Test
  void sqliteDefaultFileIsAppDbDotDb() {
    assertThat(load("DB_TYPE", "sqlite").database().sqliteFile()).isEqualTo(Path.of("app_db.db"));
  }

  // ---- secrets ----

  @Test
  void thePasswordNeverAppearsInToString() {
    String secret = "s3cr3t-Pa55-word";
    GatewayConfig config = load("DB_PASS", secret, "DB_USER", "the-db-user-name");
    assertThat(config.database().password()).isEqualTo(secret);
    assertThat(config.database().toString()).doesNotContain(secret).doesNotContain("Pa55");
    assertThat(config.toString()).doesNotContain(secret);
    // the credentials are never logged: the user is left out too
    assertThat(config.database().toString()).doesNotContain("the-db-user-name");
  }

  @Test
  void thePasswordNeverAppearsInTheProblemReport() {
    String secret = "an-oracle-secret";
    InvalidConfigException e = invalid("DB_PASS", secret, "DB_TYPE", "oracle", "DB_POOL_SIZE", "zero");
    assertThat(e.getMessage()).doesNotContain(secret);
  }

  @Test
  void configIsImmutable() {
    DatabaseConfig db = load("DB_TYPE", "mysql", "DB_HOST", "h1,h2").database();
    assertThatThrownBy(() -> db.hosts().add(new HostAndPort("h3", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
