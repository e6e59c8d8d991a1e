package io.dbgateway.driver;

import io.dbgateway.config.DbType;
import io.dbgateway.driver.mysql.MySqlDriver;
import io.dbgateway.driver.postgres.PostgresDriver;
import io.dbgateway.driver.sqlite.SqliteDriver;

/** The one place that maps an engine to its driver. */
public final class Drivers {

  private Drivers() {}

  /** The driver of {@code type}, chosen once at start-up. */
  public static Driver of(DbType type) {
    return switch (type) {
      case POSTGRESQL -> PostgresDriver.INSTANCE;
      case MYSQL -> MySqlDriver.INSTANCE;
      case SQLITE -> SqliteDriver.INSTANCE;
    };
  }
}
