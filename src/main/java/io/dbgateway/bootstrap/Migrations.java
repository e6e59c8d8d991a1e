package io.dbgateway.bootstrap;

import io.dbgateway.config.DbType;
import io.dbgateway.db.SqliteDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
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

  /** Migrates the application's schema, then the gateway's own tables. */
  public static MigrateResult run(Jdbc jdbc, Path root, boolean baselineExistingSchema) {
    DbType type = jdbc.db().type();
    Path common = root.resolve("common");
    Path vendor = root.resolve(type.id());
    if (!Files.isDirectory(common) && !Files.isDirectory(vendor)) {
      throw new StartupException("no migrations folder: neither " + common + " nor " + vendor + " exists");
    }
    MigrateResult result = configure(jdbc)
        .locations("filesystem:" + common, "filesystem:" + vendor)
        .failOnMissingLocations(false)
        .baselineOnMigrate(baselineExistingSchema)
        .baselineVersion("0")
        .load()
        .migrate();
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
