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

  public static MigrateResult run(Jdbc jdbc, Path root) {
    DbType type = jdbc.db().type();
    Path common = root.resolve("common");
    Path vendor = root.resolve(type.id());
    if (!Files.isDirectory(common) && !Files.isDirectory(vendor)) {
      throw new StartupException("no migrations folder: neither " + common + " nor " + vendor + " exists");
    }
    FluentConfiguration flyway = Flyway.configure()
        .locations("filesystem:" + common, "filesystem:" + vendor)
        .failOnMissingLocations(false);
    if (type == DbType.SQLITE) {
      flyway.dataSource(new SqliteDataSource(jdbc.db().sqliteFile().toString(), false));
    } else {
      flyway.dataSource(jdbc.url(), jdbc.db().user(), jdbc.db().password());
    }
    MigrateResult result = flyway.load().migrate();
    log.info("migrations done through {}: {} applied, schema now at version {}",
        jdbc.node() == null ? jdbc.db().target() : jdbc.node(), result.migrationsExecuted, result.targetSchemaVersion);
    return result;
  }
}
