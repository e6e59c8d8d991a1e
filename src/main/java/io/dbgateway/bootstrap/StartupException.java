package io.dbgateway.bootstrap;

/** Start-up could not complete; its message is the one line the operator sees. */
public final class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message, null, false, false);
  }
}
