package io.dbgateway.driver.mysql;

import java.util.Set;

/**
 * The MySQL, MariaDB and Galera error numbers read outside the dialect (retry safety, failing servers,
 * privilege refusals, Galera routing), each declared here once; those only {@link MySqlDialect} reads stay
 * there.
 */
public final class MySqlErrors {

  private MySqlErrors() {}

  /** ER_LOCK_WAIT_TIMEOUT: the statement waited too long for a row lock; the transaction did not commit. */
  public static final int LOCK_WAIT_TIMEOUT = 1205;

  /** ER_LOCK_DEADLOCK, also Galera's certification failure: the transaction was rolled back. */
  public static final int DEADLOCK = 1213;

  /** ER_UNKNOWN_COM_ERROR, Galera's "WSREP has not yet prepared node for application use": the node refused the statement. */
  public static final int NODE_NOT_READY = 1047;

  /** Galera's "Not connected to Primary Component" during COMMIT: whether it committed is unknown. */
  public static final int NOT_PRIMARY_AT_COMMIT = 1180;

  /** The server is going or gone: Galera node not ready, shutdown in progress, gone away, lost during the query. */
  public static final Set<Integer> SERVER_GONE = Set.of(
      NODE_NOT_READY,
      1053, // server shutdown in progress
      2006, // server has gone away
      2013); // lost connection during query

  /** Privilege refusals (SQLSTATE 42000): database, table, column, operation, routine. */
  public static final Set<Integer> ACCESS_DENIED = Set.of(1044, 1142, 1143, 1227, 1370);

  /** Errors after which the transaction provably did not commit: deadlock, lock wait timeout, node not ready. */
  static final Set<Integer> NOT_COMMITTED = Set.of(DEADLOCK, LOCK_WAIT_TIMEOUT, NODE_NOT_READY);
}
