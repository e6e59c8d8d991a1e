package io.dbgateway.api;

/** Read consistency; only meaningful on a Galera cluster, where reads may go to any node. */
public enum Consistency {
  EVENTUAL,
  STRONG
}
