package io.dbgateway.bootstrap;

import io.dbgateway.config.DbType;
import io.dbgateway.db.SqliteDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The setting that lets Flyway start on an existing schema; its name goes into the refusal. */
  static final String BASELINE_SETTING = "GATEWAY_MIGRATIONS_BASELINE";

  /** Migrates the application's schema, then the gateway's own tables. */
  public static MigrateResult run(Jdbc jdbc, Path root, boolean baselineExistingSchema) {
    DbType type = jdbc.db().type();
    Path common = root.resolve("common");
    Path vendor = root.resolve(type.id());
    if (!Files.isDirectory(common) && !Files.isDirectory(vendor)) {
      throw new StartupException("no migrations folder: neither " + common + " nor " + vendor + " exists");
    }
    MigrateResult result;
    try {
      result = configure(jdbc)
          .locations("filesystem:" + common, "filesystem:" + vendor)
          .failOnMissingLocations(false)
          .baselineOnMigrate(baselineExistingSchema)
          .baselineVersion("0")
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
        + "=true to record the existing schema as a baseline and apply only the migrations after it.");
  }

  private static FluentConfiguration configure(Jdbc jdbc) {
    FluentConfiguration flyway = Flyway.configure();
    if (jdbc.db().type() == DbType.SQLITE) {
      flyway.dataSource(new SqliteDataSource(jdbc.db().sqliteFile().toString(), false));
    } else {
      flyway.dataSource(jdbc.url(), jdbc.db().user(), jdbc.db().password());
    }
    return flyway;
  }
}
