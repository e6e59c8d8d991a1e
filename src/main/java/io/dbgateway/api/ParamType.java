package io.dbgateway.api;

import java.util.Locale;
import java.util.Optional;

/**
 * The type a parameter's JSON value stands for, where JSON alone cannot say it: a string that is a
 * decimal, a time, a UUID or a JSON document, or base64 that is bytes. Requests name them in
 * {@code paramTypes}; each engine's dialect binds the value as that type (the RDS Data API's
 * {@code typeHint} and {@code blobValue} travel this way).
 */
public enum ParamType {
  DECIMAL,
  TIMESTAMP,
  DATE,
  TIME,
  UUID,
  JSON,
  /** Base64 text that is bound as bytes. */
  BINARY;

  public static Optional<ParamType> parse(String name) {
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
