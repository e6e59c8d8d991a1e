package io.dbgateway.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output for the access log's writer thread: lines are gathered and written in whole-line
 * chunks of at most 4 KiB (the size a pipe writes atomically), one {@code write} call per chunk instead
 * of one per line. {@link AsyncAccessAppender} flushes it after every batch it takes from its queue.
 */
public final class BatchingStdoutAppender extends OutputStreamAppender<ILoggingEvent> {

  /** A pipe writes this many bytes atomically, so chunks never interleave with other loggers' lines. */
  static final int CHUNK = 4096;

  @Override
  public void start() {
    setImmediateFlush(false);
    setOutputStream(new LineChunks(new FileOutputStream(FileDescriptor.out)));
    super.start();
  }

  /** Keeps whole lines until the next would not fit in a chunk, or until flushed; any thread may write or flush. */
  static final class LineChunks extends OutputStream {
    private final OutputStream out;
    private final byte[] buffer = new byte[CHUNK];
    private int length;

    LineChunks(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int count) throws IOException {
      if (length + count > CHUNK) {
        flushBuffer();
      }
      if (count > CHUNK) {
        out.write(bytes, offset, count);
        return;
      }
      System.arraycopy(bytes, offset, buffer, length, count);
      length += count;
    }

    @Override
    public synchronized void flush() throws IOException {
      flushBuffer();
      out.flush();
    }

    private void flushBuffer() throws IOException {
      if (length > 0) {
        out.write(buffer, 0, length);
        length = 0;
      }
    }

    @Override
    public synchronized void close() throws IOException {
      flushBuffer();
      // Standard output itself stays open: other loggers write to it too.
    }
  }
}
