package io.dbgateway.transaction;

import io.dbgateway.config.TransactionConfig;
import io.dbgateway.driver.Dialect;
import io.dbgateway.error.GatewayException;
import io.dbgateway.node.NodeDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One interactive transaction: its connection, held between requests. Its state is touched only on the
 * event loop of the verticle that began it, so requests that reach other verticles queue there and run
 * one at a time, in the order they arrive. It ends once: by commit, by rollback, by timing out, or when
 * the database ends it; then its connection goes back to the pool and its id is forgotten.
 */
final class OpenTransaction {

  /** The feature's one log, so operators find every transaction's end in one place. */
  private static final Logger log = LoggerFactory.getLogger(InteractiveTransactions.class);

  private final String id;
  private final String owner;
  private final boolean readOnly;
  private final NodeDatabase nodeDb;
  private final SqlConnection conn;
  private final Context context;
  private final Vertx vertx;
  private final TransactionConfig limits;
  private final Dialect dialect;
  private final TransactionRegistry registry;
  private final Promise<Void> released = Promise.promise();

  /** The last operation queued; the next one runs after it. */
  private Future<?> tail = Future.succeededFuture();
  /** Operations queued or running. */
  private int pending;
  private long idleTimer = -1;
  private long lifetimeTimer = -1;
  /** Ended or ending: no operation is accepted any more. */
  private boolean closing;
  /** Timed out or ended by the database: operations still queued are dropped, not run. */
  private boolean gone;
  /** A statement failed and the database (PostgreSQL) now accepts only a rollback. */
  private boolean aborted;
  /** A statement sent may have changed the session: it is reset when the transaction ends. */
  private volatile boolean sessionChanged;
  private volatile boolean committedImplicitly;

  OpenTransaction(String id, String owner, boolean readOnly, NodeDatabase nodeDb, SqlConnection conn, Context context,
      Vertx vertx, TransactionConfig limits, Dialect dialect, TransactionRegistry registry) {
    this.id = id;
    this.owner = owner;
    this.readOnly = readOnly;
    this.nodeDb = nodeDb;
    this.conn = conn;
    this.context = context;
    this.vertx = vertx;
    this.limits = limits;
    this.dialect = dialect;
    this.registry = registry;
  }

  String id() {
    return id;
  }

  String owner() {
    return owner;
  }

  boolean readOnly() {
    return readOnly;
  }

  NodeDatabase nodeDb() {
    return nodeDb;
  }

  /** Work before its first statement changed the session (its schema): it is reset when the transaction ends. */
  void sessionChanged() {
    sessionChanged = true;
  }

  /** Starts the idle and lifetime clocks. */
  void start() {
    context.runOnContext(v -> {
      long lifetimeMs = limits.maxLifetime().toMillis();
      lifetimeTimer = vertx.setTimer(lifetimeMs,
          t -> expire("was open longer than " + lifetimeMs + " ms (GATEWAY_TX_MAX_LIFETIME_MS)"));
      armIdle();
    });
  }

  /** Timers set here fire on the transaction's own event loop. */
  private void armIdle() {
    long idleMs = limits.idleTimeout().toMillis();
    vertx.cancelTimer(idleTimer);
    idleTimer = vertx.setTimer(idleMs, t -> {
      if (pending == 0) {
        expire("was idle longer than " + idleMs + " ms (GATEWAY_TX_IDLE_TIMEOUT_MS)");
      }
    });
  }

  /**
   * Runs a statement on the transaction's connection, after every operation that arrived before it.
   *
   * @param changesSession whether it may leave state on the session, which is then reset at the end
   * @param commitsImplicitly whether it may end the transaction by itself ({@link Dialect#commitsImplicitly})
   */
  <T> Future<T> statement(boolean changesSession, boolean commitsImplicitly, Function<SqlConnection, Future<T>> work) {
    if (changesSession) {
      sessionChanged = true;
    }
    if (commitsImplicitly) {
      committedImplicitly = true;
    }
    return enqueue(false, () -> work.apply(conn).andThen(done -> {
      if (done.failed()) {
        afterFailure(done.cause());
      }
    }));
  }

  /** Whether a statement of it may have committed it implicitly (MySQL's DDL): see {@link Dialect#commit}. */
  boolean committedImplicitly() {
    return committedImplicitly;
  }

  /**
   * Commits after every operation that arrived before. After a statement failed on an engine that then
   * accepts only a rollback, it rolls back instead and answers {@code aborted}.
   */
  Future<Void> commit(Function<SqlConnection, Future<Void>> commit, Supplier<GatewayException> aborted) {
    return enqueue(true, () -> {
      if (this.aborted) {
        return release(false).compose(v -> Future.<Void>failedFuture(aborted.get()));
      }
      Future<Void> committed = commit.apply(conn);
      // A failed commit is followed by a rollback, which also sets the session back (or resets it).
      return committed.transform(done -> release(done.succeeded())).transform(v -> committed);
    });
  }

  /** Rolls back after every operation that arrived before. */
  Future<Void> rollback() {
    return enqueue(true, () -> release(false));
  }

  /** Rolls back now, whatever runs, and answers once the connection is back. */
  Future<Void> shutdown(String why) {
    context.runOnContext(v -> expire(why));
    return released.future();
  }

  private <T> Future<T> enqueue(boolean ends, Supplier<Future<T>> operation) {
    Promise<T> answer = Promise.promise();
    context.runOnContext(v -> {
      if (closing) {
        answer.fail(TransactionRegistry.notFound(id));
        return;
      }
      if (ends) {
        close();
      }
      pending++;
      Future<T> result = tail.transform(previous -> gone ? Future.failedFuture(TransactionRegistry.notFound(id)) : call(operation));
      tail = result.otherwiseEmpty();
      result.onComplete(done -> {
        pending--;
        if (pending == 0 && !closing) {
          armIdle();
        }
      });
      result.onComplete(answer);
    });
    return answer.future();
  }

  private static <T> Future<T> call(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** What a failed statement left: the transaction goes on, accepts only a rollback, or is gone. */
  private void afterFailure(Throwable failure) {
    Throwable cause = failure instanceof GatewayException && failure.getCause() != null ? failure.getCause() : failure;
    switch (dialect.afterFailure(cause)) {
      case ABORTED -> aborted = true;
      case ROLLED_BACK -> end("was ended by the database: " + failure.getMessage(), false);
      case CONTINUES -> { }
    }
  }

  /** Timed out: ends unless a commit or rollback is already under way. */
  private void expire(String why) {
    if (!closing) {
      end(why, pending > 0);
    }
  }

  /** Ends the transaction now: drops what is queued, stops what runs if asked, rolls back. */
  private void end(String why, boolean cancelRunning) {
    if (gone) {
      return;
    }
    log.info("interactive transaction {}... of '{}' {}: rolled back", id.substring(0, 6), owner, why);
    close();
    gone = true;
    if (cancelRunning) {
      // A cancel that cannot be sent closes the connection, which ends the statement as surely.
      dialect.cancel(conn).onFailure(failure -> {
        log.debug("could not cancel the running statement, closing its connection: {}", failure.getMessage());
        nodeDb.discard(conn);
      });
    }
    tail = tail.transform(previous -> release(false));
  }

  /** Takes no more operations, and forgets the id. */
  private void close() {
    closing = true;
    vertx.cancelTimer(lifetimeTimer);
    vertx.cancelTimer(idleTimer);
    registry.remove(this);
  }

  /** Rolls back unless committed, and gives the connection back to the pool. */
  private Future<Void> release(boolean committed) {
    if (released.future().isComplete()) {
      return Future.succeededFuture();
    }
    Future<Void> givenBack = committed ? nodeDb.giveBack(conn, sessionChanged)
        : giveBack(nodeDb, conn, readOnly, dialect, sessionChanged);
    return givenBack.transform(closed -> {
      registry.release(owner);
      released.tryComplete();
      return Future.succeededFuture();
    });
  }

  /**
   * Rolls back and returns {@code conn} to the pool, as it came: the dialect's end of a transaction also
   * undoes what its begin set on the session. If that end fails, the session is reset instead.
   */
  static Future<Void> giveBack(NodeDatabase nodeDb, SqlConnection conn, boolean readOnly, Dialect dialect,
      boolean sessionChanged) {
    return conn.query(dialect.endTransaction(readOnly, false)).execute()
        .transform(done -> nodeDb.giveBack(conn, sessionChanged || done.failed()));
  }
}
