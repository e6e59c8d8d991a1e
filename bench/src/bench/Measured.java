package bench;

/** What the in-process benches print about their measured window and latencies, in one place. */
final class Measured {

  private Measured() {}

  /** Prints the measured window in wall-clock seconds, so the script can sample CPU inside it. */
  static void window(long fromNanos, long toNanos) {
    double now = System.currentTimeMillis() / 1e3, nanoNow = System.nanoTime();
    System.out.printf("WINDOW from=%.3f to=%.3f%n", now + (fromNanos - nanoNow) / 1e9, now + (toNanos - nanoNow) / 1e9);
  }

  /** The {@code q} quantile of sorted latencies in nanoseconds, in milliseconds. */
  static double ms(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }
}
