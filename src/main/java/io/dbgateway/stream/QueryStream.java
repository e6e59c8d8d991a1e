package io.dbgateway.stream;

import io.dbgateway.db.StatementRunner;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.RoleRules;
import io.dbgateway.driver.RowCursor;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.metrics.GatewayMetrics;
import io.dbgateway.node.NodeDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.List;

/**
 * One open stream: a connection in a transaction with a cursor on it, written to a client as NDJSON.
 *
 * <p>The lines are {@code {"columns": [...]}} first, then one row per line, then one last line: {@code
 * {"rowCount": n, "truncated": false, "node": "...", "elapsedMs": 1.2}} once the transaction has
 * committed, or {@code {"error": <problem>}} when the statement failed. A stream without that last
 * line was cut off.
 *
 * <p>Everything here runs on the event loop of the client's connection, one step at a time: a read,
 * then its rows written as one buffer, then the next read only once fewer than {@value
 * #MAX_UNFLUSHED} such buffers wait for the client's socket and the connection's write queue has room.
 * The write queue alone would not bound the rows: it counts buffers, not bytes, and takes 16 past the
 * socket's own 64 KiB. So a stream holds at most {@value #MAX_UNFLUSHED} written reads and the one
 * being read.
 */
public final class QueryStream {

  /** Written reads whose bytes have not yet gone to the client's socket, past which no more are read. */
  static final int MAX_UNFLUSHED = 2;

  private final QueryStreamer streamer;
  private final NodeDatabase nodeDb;
  private final SqlConnection conn;
  private final RowCursor cursor;
  private final Caller caller;
  private final boolean readOnly;
  private final List<ColumnDescriptor> columns;
  private final boolean columnMetadata;
  private final io.dbgateway.db.StatementRunner.RowWriter rowWriter;
  private final long timeoutMs;
  private final long start;
  private final boolean sessionChanged;
  private final String sql;
  /** Rows that may still be sent (maxRows less those sent). */
  private long remaining;
  private long sent;
  private boolean truncated;
  private boolean more;
  /** Rows read but not yet written: the first read, until {@link #writeTo} runs. */
  private RowCursor.Chunk pending;
  private boolean reading;
  private int unflushed;
  private boolean waitingForClient;
  private boolean finished;
  private boolean released;
  private boolean cancelled;
  private WriteStream<Buffer> out;
  private Promise<String> done;
  private long stallTimer = -1;

  QueryStream(QueryStreamer streamer, NodeDatabase nodeDb, SqlConnection conn, RowCursor cursor, RowCursor.Chunk first,
      QueryRequest request, Caller caller, long maxRows, long start, boolean sessionChanged) {
    this.streamer = streamer;
    this.sessionChanged = sessionChanged;
    this.sql = request.statement().sql();
    this.nodeDb = nodeDb;
    this.conn = conn;
    this.cursor = cursor;
    this.caller = caller;
    this.readOnly = request.readOnly();
    this.columns = first.columns();
    this.columnMetadata = request.columnMetadata();
    this.rowWriter = streamer.statements().rowWriter(columns, request.limits().format());
    this.timeoutMs = request.limits().timeoutMs();
    this.remaining = maxRows;
    this.start = start;
    this.pending = first;
  }

  /**
   * Writes every line to {@code out}, reading more rows only while {@code out} keeps up. Succeeds once
   * the last line is written, with {@link GatewayMetrics#OK} after the end line or the problem's code after an error
   * line: the caller then ends {@code out}. Fails when the client cannot be given the rest: it went away
   * ({@link #cancel}), or read nothing for {@code timeoutMs}; the transaction is rolled back either way.
   */
  public Future<String> writeTo(WriteStream<Buffer> out) {
    this.out = out;
    this.done = Promise.promise();
    if (cancelled) {
      done.fail(gone());
      return done.future();
    }
    JsonArray header = new JsonArray();
    streamer.statements().columns(columns, columnMetadata).forEach(column -> header.add(column.toJson()));
    out.write(line(new JsonObject().put("columns", header)));
    RowCursor.Chunk first = pending;
    pending = null;
    write(first);
    pump();
    return done.future();
  }

  /**
   * The client went away, or nobody will write this stream: close the cursor, roll back and give the
   * connection back.
   */
  public void cancel() {
    if (finished || cancelled) {
      return;
    }
    cancelled = true;
    stopWaitingForClient();
    if (pending != null) {
      streamer.written(pending.rows().size());
      pending = null;
    }
    // A read in flight ends first (within timeoutMs) and releases then: a cancel sent to the server
    // could land on the ROLLBACK instead and leave the connection in a failed transaction.
    if (!reading) {
      release(false);
    }
    if (done != null) {
      done.tryFail(gone());
    }
  }

  private void pump() {
    if (cancelled || finished) {
      return;
    }
    if (out.writeQueueFull() || unflushed >= MAX_UNFLUSHED) {
      waitForClient();
      return;
    }
    if (!more) {
      commit();
      return;
    }
    reading = true;
    streamer.nodes().onNode(nodeDb, timeoutMs, () -> cursor.read(streamer.readSize(remaining))).onComplete(read -> {
      reading = false;
      if (read.succeeded()) {
        streamer.fetched(read.result().rows().size());
      }
      if (cancelled) {
        if (read.succeeded()) {
          streamer.written(read.result().rows().size());
        }
        release(false);
      } else if (read.failed()) {
        fail(read.cause());
      } else {
        write(read.result());
        pump();
      }
    });
  }

  /** Writes the rows that may still be sent, as one buffer; counts them held until the socket took it. */
  private void write(RowCursor.Chunk chunk) {
    List<Row> rows = chunk.rows();
    int keep = (int) Math.min(rows.size(), remaining);
    truncated = rows.size() > keep;
    remaining -= keep;
    more = chunk.more() && !truncated && remaining > 0;
    streamer.written(rows.size() - keep);
    if (keep == 0) {
      return;
    }
    Buffer buffer = encode(rows, keep);
    sent += keep;
    unflushed++;
    out.write(buffer).onComplete(written -> {
      unflushed--;
      streamer.written(keep);
      clientReady();
    });
  }

  /** The first {@code keep} rows as NDJSON lines, written by one generator into one buffer. */
  private Buffer encode(List<Row> rows, int keep) {
    Buffer bytes = Buffer.buffer(keep * 64);
    try (com.fasterxml.jackson.core.JsonGenerator out = LINES.createGenerator(new BufferOutput(bytes))) {
      for (int i = 0; i < keep; i++) {
        rowWriter.write(rows.get(i), out);
        out.writeRaw('\n');
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // writing to memory: not expected
    }
    return bytes;
  }

  /** Jackson's output straight into the buffer that is written to the client: no copy in between. */
  private static final class BufferOutput extends java.io.OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }

  /** Writes JSON values one after the other with nothing between them: each row ends its own line. */
  private static final com.fasterxml.jackson.core.JsonFactory LINES =
      new com.fasterxml.jackson.core.JsonFactory().setRootValueSeparator(null);

  /** Waits until the client took enough for another read: a buffer flushed, or the write queue drained. */
  private void waitForClient() {
    waitingForClient = true;
    out.drainHandler(drained -> clientReady());
    stallTimer = streamer.vertx().setTimer(timeoutMs, id -> {
      stallTimer = -1;
      stalled();
    });
  }

  private void clientReady() {
    if (waitingForClient) {
      stopWaitingForClient();
      pump();
    }
  }

  private void stopWaitingForClient() {
    waitingForClient = false;
    if (out != null) {
      out.drainHandler(null);
    }
    if (stallTimer != -1) {
      streamer.vertx().cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }

  /** The client read nothing for {@code timeoutMs}: an error line would not reach it either. */
  private void stalled() {
    done.tryFail(new GatewayException(Problem.of(ErrorCode.TIMEOUT,
        "the client read nothing for " + timeoutMs + " ms; the stream was abandoned and rolled back")));
    cancel();
  }

  /** Every row was read: commit, then the end line says the transaction committed. */
  private void commit() {
    finished = true;
    streamer.nodes().onNode(nodeDb, timeoutMs, () -> release(true))
        .onComplete(committed -> {
          if (committed.failed()) {
            // An open breaker refused the call before COMMIT was sent: the connection is still ours.
            release(false);
            done.tryComplete(writeError(committed.cause()));
          } else {
            out.write(line(new JsonObject().put("rowCount", sent).put("truncated", truncated)
                .put("node", nodeDb.node()).put("elapsedMs", StatementRunner.elapsedMs(start))));
            done.tryComplete(GatewayMetrics.OK);
          }
        });
  }

  /**
   * The statement failed after the first line: the error line goes first, so the client learns it at
   * once, and the rollback follows.
   */
  private void fail(Throwable failure) {
    finished = true;
    stopWaitingForClient();
    done.tryComplete(writeError(failure));
    release(false);
  }

  /** Closes the cursor, ends the transaction (committing it or not) and gives the connection back, once only. */
  private Future<Void> release(boolean commit) {
    if (released) {
      return Future.succeededFuture();
    }
    released = true;
    return cursor.close().transform(closed -> streamer.end(nodeDb, conn, readOnly, commit, sessionChanged, sql));
  }

  /** Writes the error line; answers the problem's code. */
  private String writeError(Throwable failure) {
    // With retryAfter where the answer would carry Retry-After: a stream's headers are long gone.
    Problem problem = RoleRules.forCaller(caller, streamer.statements().problem(failure), streamer.statements().dialect().driver());
    out.write(line(new JsonObject().put("error", problem.toJson())));
    return problem.code().name();
  }

  private static Buffer line(JsonObject json) {
    return json.toBuffer().appendByte((byte) '\n');
  }

  private static GatewayException gone() {
    return new GatewayException(Problem.of(ErrorCode.BAD_REQUEST, "the client closed the connection"));
  }
}
