package io.dbgateway.bootstrap;

import io.dbgateway.driver.Dialect;
import io.dbgateway.galera.GaleraMonitor;
import io.dbgateway.node.NodeChooser;

/**
 * The database as start-up leaves it: reached, migrated, its dialect known and its nodes' pools open.
 *
 * @param monitor the Galera monitor, or null on one server
 */
record Database(Dialect dialect, NodeChooser chooser, GaleraMonitor monitor) {}
