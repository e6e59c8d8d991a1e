package io.dbgateway.config;

/** TLS to the database, as {@code DB_SSL_MODE} names it. */
public enum SslMode {
  DISABLE,
  REQUIRE,
  VERIFY_FULL;

  public static SslMode parse(String value) {
    return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
