package io.dbgateway.sql;

/** How a driver wants its placeholders written. */
public enum ParameterStyle {
  /** {@code $1, $2, ...}: vertx-pg-client. */
  DOLLAR_NUMBERED,
  /** {@code ?} for every placeholder: vertx-mysql-client and JDBC (SQLite). */
  QUESTION_MARK
}
