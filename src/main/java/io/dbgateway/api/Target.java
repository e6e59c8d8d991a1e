package io.dbgateway.api;

/**
 * Where a request's work runs: the database it names, and the schema its unqualified names resolve in.
 *
 * @param database a database of {@code GATEWAY_DATABASES} (or {@code DB_NAME} itself), or null for
 *     {@code DB_NAME}
 * @param schema the schema, or null for the session's own search path
 */
public record Target(String database, String schema) {

  /** {@code DB_NAME}, as the session finds it. */
  public static final Target DEFAULT = new Target(null, null);

  /** The database the work runs on, {@code main} when the request names none. */
  public String databaseOr(String main) {
    return database == null ? main : database;
  }
}
