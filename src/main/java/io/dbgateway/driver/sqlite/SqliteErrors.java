package io.dbgateway.driver.sqlite;

import java.util.Set;

/**
 * The SQLite result codes read outside the dialect (the primary code, the low byte of an extended one);
 * those only {@link SqliteDialect} reads stay there.
 */
public final class SqliteErrors {

  private SqliteErrors() {}

  /** SQLITE_BUSY: another connection held the lock past the busy timeout; nothing was written. */
  static final int BUSY = 5;

  /** The database file failed: SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN. */
  public static final Set<Integer> FILE_FAILURES = Set.of(10, 11, 13, 14);

  /** The primary result code of {@code code}: extended codes (SQLITE_BUSY_SNAPSHOT, ...) keep it in the low byte. */
  public static int primary(int code) {
    return code & 0xff;
  }
}
