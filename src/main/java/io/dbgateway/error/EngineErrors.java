package io.dbgateway.error;

/**
 * What only the engine knows of its own errors, asked by the classification every engine shares
 * ({@link Failures}) and by retries ({@code resilience.RetrySafety}). The chosen driver answers for its
 * engine ({@code driver.Driver} is one), so nothing here names an engine's codes.
 */
public interface EngineErrors {

  /**
   * Whether {@code engineError}, the engine's own error (a {@code DatabaseException} of the Vert.x clients
   * or a {@code SQLException}), says the server is failing (gone, shutting down, its file unreadable), not
   * that it refused one statement. SQLSTATE classes 08 and 57P mean so on every engine ({@link Failures}).
   */
  default boolean meansServerFailing(Throwable engineError) {
    return false;
  }

  /** Whether the engine's error {@code code} says the node refuses work until it is ready again: it leaves routing at once. */
  default boolean meansNodeNotReady(int code) {
    return false;
  }

  /** Whether a COMMIT that failed with the engine's error {@code code} may or may not have committed. */
  default boolean meansCommitOutcomeUnknown(int code) {
    return false;
  }

  /** Whether {@code problem} is the engine refusing a privilege in its own words (SQLSTATE 42501 means so everywhere). */
  default boolean meansPermissionDenied(Problem problem) {
    return false;
  }

  /**
   * Whether {@code databaseError}, the database's own answer, proves the unit it ended did not commit, so
   * running it again cannot apply it twice: a deadlock, a serialization failure, a busy database.
   */
  boolean provesNotCommitted(Throwable databaseError);
}
