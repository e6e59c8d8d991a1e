package io.dbgateway.driver.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Opens SQLite connections set up the way the gateway needs them: WAL journal, a busy timeout,
 * foreign keys on, full sync so an acknowledged write survives a crash. Readers are opened with
 * {@code SQLITE_OPEN_READONLY}, so SQLite itself refuses their writes and no PRAGMA can lift that
 * ({@code PRAGMA query_only} is set too, as a second lock).
 */
public final class SqliteDataSource extends org.sqlite.SQLiteDataSource {

  /** How long a connection waits for another process's lock before SQLITE_BUSY. */
  public static final int BUSY_TIMEOUT_MS = 5000;

  private final boolean queryOnly;

  public SqliteDataSource(String file, boolean queryOnly) {
    this(file, queryOnly, !queryOnly);
  }

  /** @param create whether a missing file is made (read-only connections never make one) */
  public SqliteDataSource(String file, boolean queryOnly, boolean create) {
    super(config(queryOnly, create));
    this.queryOnly = queryOnly;
    setUrl("jdbc:sqlite:" + file);
  }

  private static SQLiteConfig config(boolean readOnly, boolean create) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    if (!create) {
      config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
    }
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    return config;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection connection = super.getConnection();
    if (queryOnly) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA query_only = ON");
      }
    }
    return connection;
  }
}
