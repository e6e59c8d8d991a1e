package io.dbgateway.db;

import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collector;

/** Keeps at most {@code maxRows} rows as they are decoded, and notes whether more came. */
final class RowCollector {

  /** The rows kept, and whether any were dropped. */
  record Rows(List<Row> kept, boolean truncated) {}

  private RowCollector() {}

  static Collector<Row, ?, Rows> atMost(int maxRows) {
    return Collector.<Row, Accumulator, Rows>of(
        Accumulator::new,
        (acc, row) -> acc.add(row, maxRows),
        (a, b) -> {
          throw new UnsupportedOperationException("rows arrive in order, never in parallel");
        },
        acc -> new Rows(acc.kept, acc.truncated));
  }

  private static final class Accumulator {
    private final List<Row> kept = new ArrayList<>();
    private boolean truncated;

    void add(Row row, int maxRows) {
      if (kept.size() < maxRows) {
        kept.add(row);
      } else {
        truncated = true;
      }
    }
  }
}
