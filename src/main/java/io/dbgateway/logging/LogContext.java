package io.dbgateway.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * What every log line of a request carries: its request id and, once known, the id of the API key that
 * sent it. Vert.x runs a request's callbacks on different threads, so this lives on the request's
 * duplicated context rather than in the thread-local MDC: HTTP gives each request its own duplicated
 * context, the event bus gives each message one, and timers and the SQL clients call back on the
 * context they were started from. The log layouts read it from the context that is logging, or, for an
 * event laid out later on another thread (the access log's {@link AsyncAccessAppender}), from the
 * event's {@code requestId} and {@code keyId} key-value pairs ({@link #of(ILoggingEvent)}).
 */
public record LogContext(String requestId, String keyId) {

  /** The names of the fields, and of the key-value pairs an event may carry them in. */
  public static final String REQUEST_ID = "requestId";
  public static final String KEY_ID = "keyId";

  /**
   * What {@code event} belongs to: each of the request id and key id from the current context (the one
   * logging, when the event is laid out at once), else from the event's own key-value pairs of that name
   * (put there by the code that logged it, or by {@link AsyncAccessAppender} when it queued the event);
   * null when neither names a request.
   */
  public static LogContext of(ILoggingEvent event) {
    LogContext current = current();
    String requestId = current == null ? null : current.requestId();
    String keyId = current == null ? null : current.keyId();
    if (requestId == null || keyId == null) {
      List<KeyValuePair> pairs = event.getKeyValuePairs();
      if (pairs != null) {
        for (KeyValuePair pair : pairs) {
          if (requestId == null && REQUEST_ID.equals(pair.key) && pair.value != null) {
            requestId = pair.value.toString();
          } else if (keyId == null && KEY_ID.equals(pair.key) && pair.value != null) {
            keyId = pair.value.toString();
          }
        }
      }
    }
    return requestId == null && keyId == null ? null : new LogContext(requestId, keyId);
  }

  /** The current context's log context, or null outside a request (or outside Vert.x). */
  public static LogContext current() {
    Context context = Vertx.currentContext();
    if (context == null) {
      return null;
    }
    try {
      return context.getLocal(local());
    } catch (RuntimeException e) {
      return null; // a Vert.x built before the local was registered has no slot for it
    }
  }

  /** Sets the log context of the current request; a no-op outside a duplicated context. */
  public static void enter(String requestId, String keyId) {
    // A request runs on a duplicated context of its own; the event loop's context is shared by all. Vert.x 5
    // keeps a context local, and whether a context is duplicated, in ContextInternal only: the one documented
    // use of its internals for context-local log data (ArchitectureTest).
    if (Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      context.putLocal(local(), new LogContext(requestId, keyId));
    }
  }

  /** Adds the key id to the current request's log context, once authentication has found it. */
  public static void keyId(String keyId) {
    LogContext current = current();
    if (current != null) {
      enter(current.requestId(), keyId);
    }
  }

  private static ContextLocal<LogContext> local() {
    return LogContextProvider.LOCAL;
  }
}
