package io.dbgateway.testing;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The cases of a seeded property test: {@code (index, seed)} pairs derived from one base seed, which is
 * printed so a failing run can be repeated with {@code -D<property>=<seed>}.
 */
public final class SeededCases {

  private SeededCases() {}

  /** The base seed: the system property if set, else {@code fallback}; printed either way. */
  public static long seed(String test, String property, long fallback) {
    long seed = Long.getLong(property, fallback);
    System.out.println(test + " seed=" + seed + " (rerun with -D" + property + "=" + seed + ")");
    return seed;
  }

  public static Stream<Arguments> of(long seed, int count) {
    return Stream.iterate(0, i -> i + 1).limit(count).map(i -> Arguments.of(i, seed * 1_000_003L + i));
  }
}
