package io.dbgateway.bootstrap;

import io.dbgateway.config.DbType;
import io.dbgateway.driver.Jdbc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs Flyway over {@code <root>/common} plus {@code <root>/<vendor>}, through one node. */
public final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** The history table of the gateway's own tables, kept apart from the application's. */
  public static final String GATEWAY_HISTORY_TABLE = "dbgateway_schema_history";
  /** The lock instances of one cluster take in turn to migrate (Vert.x's shared data: Hazelcast's in cluster mode). */
  static final String LOCK = "dbgateway.migrations";
  /** How long an instance waits for another's migrations before its start-up fails. */
  static final long LOCK_WAIT_MS = 600_000;

  /** The setting that lets Flyway start on an existing schema; its name goes into the refusal. */
  static final String BASELINE_SETTING = "GATEWAY_MIGRATIONS_BASELINE";

  /**
   * Migrates the application's schema, then the gateway's own tables.
   *
   * @param baselineVersion with {@code baselineExistingSchema}, the version an existing schema without
   *     history is recorded at; null to read it from the schema ({@link #baselineVersionOf})
   */
  public static MigrateResult run(Jdbc jdbc, Path root, boolean baselineExistingSchema, String baselineVersion) {
    DbType type = jdbc.driver().type();
    Path common = root.resolve("common");
    Path vendor = root.resolve(type.id());
    if (!Files.isDirectory(common) && !Files.isDirectory(vendor)) {
      throw new StartupException("no migrations folder: neither " + common + " nor " + vendor + " exists");
    }
    String baseline = !baselineExistingSchema ? "0" : baselineVersion != null ? baselineVersion : baselineVersionOf(jdbc);
    MigrateResult result;
    try {
      result = configure(jdbc)
          .locations("filesystem:" + common, "filesystem:" + vendor)
          .failOnMissingLocations(false)
          .baselineOnMigrate(baselineExistingSchema)
          .baselineVersion(baseline)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw e.getErrorCode() == CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE ? existingSchema(e) : e;
    }
    log.info("migrations done through {}: {} applied, schema now at version {}",
        jdbc.node() == null ? jdbc.db().target() : jdbc.node(), result.migrationsExecuted, result.targetSchemaVersion);
    // The application's tables are already there, so the gateway's history starts from a baseline.
    MigrateResult own = configure(jdbc)
        .locations("classpath:db/dbgateway/" + type.id())
        .table(GATEWAY_HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    log.info("gateway tables at version {} ({} applied)", own.targetSchemaVersion, own.migrationsExecuted);
    return result;
  }

  /**
   * Flyway's own advice names its API (baseline(), baselineOnMigrate); the operator needs the
   * gateway's setting instead.
   */
  private static StartupException existingSchema(FlywayException e) {
    String found = e.getMessage();
    int advice = found.indexOf(" Use baseline()");
    return new StartupException((advice < 0 ? found : found.substring(0, advice)) + " Set " + BASELINE_SETTING
        + "=true to record the existing schema as a baseline and apply only the migrations after it"
        + " (README, Migrations).");
  }

  /**
   * The version at which the shipped migrations meet an existing schema, read from its auth_user: with
   * V1's password_hash, 1; with the standard's columns (its own initialisation made them, or V2 did), 2;
   * no auth_user, 0, so every migration runs. Probed by selecting no rows, which works on every engine.
   */
  static String baselineVersionOf(Jdbc jdbc) {
    try (Connection connection = jdbc.connect(); Statement statement = connection.createStatement()) {
      if (selects(statement, "SELECT version FROM flyway_schema_history WHERE 1 = 0")) {
        return "0"; // unused: Flyway baselines only a schema without history
      }
      String version = !selects(statement, "SELECT id FROM auth_user WHERE 1 = 0") ? "0"
          : selects(statement, "SELECT password_hash FROM auth_user WHERE 1 = 0") ? "1" : "2";
      log.info("no migration history: if the schema has tables, it is baselined at version {} (read from its auth_user)",
          version);
      return version;
    } catch (SQLException e) {
      throw new StartupException("could not read the existing schema to choose its baseline version: " + e.getMessage());
    }
  }

  private static boolean selects(Statement statement, String sql) {
    try {
      statement.executeQuery(sql).close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static FluentConfiguration configure(Jdbc jdbc) {
    FluentConfiguration flyway = Flyway.configure();
    jdbc.driver().migrateThrough(flyway, jdbc);
    return flyway;
  }
}
