package io.dbgateway.auth;

import java.util.Locale;
import java.util.Optional;

/** What an API key may do. */
public enum Role {
  /** Every statement runs in a transaction the database keeps read-only. */
  READ,
  /** Reads and writes. */
  WRITE,
  /** Named queries only; no raw SQL. */
  NAMED;

  public static Optional<Role> parse(String value) {
    try {
      return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
