package io.dbgateway.db;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collector;

/**
 * Keeps at most {@code maxRows} rows as they are decoded, and notes whether more came; and keeps none
 * once the values kept pass {@code maxBytes}, so an answer too large to buffer never fills the heap
 * (the rows still arriving are read and dropped).
 */
final class RowCollector {

  /** The rows kept, whether any were dropped, and whether the values passed the byte budget (then none are kept). */
  /** @param seen how many rows the statement answered, kept or not */
  record Rows(List<Row> kept, boolean truncated, boolean overBudget, long seen) {}

  private RowCollector() {}

  /**
   * The bytes one answer may still hold: shared by the statements of one unit (a transaction's results
   * are one answer), which run one after the other.
   */
  static final class Budget {
    private long left;
    private boolean exceeded;

    Budget(long bytes) {
      this.left = bytes;
    }

    /** Takes {@code bytes}; false (and nothing taken, and the budget exceeded for good) when fewer are left. */
    boolean take(long bytes) {
      if (bytes > left) {
        exceeded = true;
        return false;
      }
      left -= bytes;
      return true;
    }

    /** Whether an answer needed more than the budget: a failure of its statement after that is this. */
    boolean exceeded() {
      return exceeded;
    }
  }

  /**
   * @param stop asks the database to stop the statement once the budget is exceeded: the rest of the
   *     answer would only be read to be dropped
   */
  static Collector<Row, ?, Rows> atMost(int maxRows, Budget budget, Runnable stop) {
    return Collector.<Row, Accumulator, Rows>of(
        Accumulator::new,
        (acc, row) -> acc.add(row, maxRows, budget, stop),
        (a, b) -> {
          throw new UnsupportedOperationException("rows arrive in order, never in parallel");
        },
        acc -> new Rows(acc.kept, acc.truncated, acc.overBudget, acc.seen));
  }

  private static final class Accumulator {
    private final List<Row> kept = new ArrayList<>();
    private boolean truncated;
    private boolean overBudget;
    private long seen;

    void add(Row row, int maxRows, Budget budget, Runnable stop) {
      seen++;
      if (overBudget) {
        return;
      }
      if (kept.size() >= maxRows) {
        truncated = true;
        return;
      }
      if (!budget.take(size(row))) {
        overBudget = true;
        kept.clear();
        stop.run();
        return;
      }
      kept.add(row);
    }
  }

  /** About what a row's values take: text and bytes by their length, anything else a few words. */
  static long size(Row row) {
    long size = 16;
    for (int i = 0; i < row.size(); i++) {
      Object value = row.getValue(i);
      if (value instanceof String text) {
        size += 2L * text.length();
      } else if (value instanceof Buffer buffer) {
        size += buffer.length();
      } else if (value instanceof byte[] bytes) {
        size += bytes.length;
      } else {
        size += 16;
      }
    }
    return size;
  }
}
