package io.dbgateway.error;

/** A database call outlived its deadline: the server stopped answering, so its outcome is unknown. */
public final class DatabaseNotAnsweringException extends RuntimeException {

  public DatabaseNotAnsweringException(String node, long deadlineMs) {
    super("the database at " + node + " did not answer within " + deadlineMs + " ms", null, false, false);
  }
}
