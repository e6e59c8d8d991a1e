package io.dbgateway.api;

/** How rows are laid out in a response. */
public enum ResultFormat {
  OBJECTS,
  ARRAYS
}
