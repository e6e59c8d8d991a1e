package io.dbgateway.driver;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.List;

/**
 * An open cursor over one statement's rows, read a bounded chunk at a time, so a result of any size
 * is never held whole. Reads are issued one at a time, never concurrently.
 */
public interface RowCursor {

  /**
   * One read: the result's columns (the same in every chunk), at most the rows asked for, and whether
   * the cursor may have more.
   */
  record Chunk(List<ColumnDescriptor> columns, List<Row> rows, boolean more) {}

  /** The next rows, at most {@code count}. */
  Future<Chunk> read(int count);

  /** Releases the cursor on the server; the transaction around it stays open. */
  Future<Void> close();
}
