package io.dbgateway.error;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Walks a failure's cause chain: the one place that does, so a chain that ends in itself stops everywhere. */
public final class Causes {

  private Causes() {}

  /** {@code failure} and its causes, outermost first. */
  public static Iterable<Throwable> chain(Throwable failure) {
    return () -> new Iterator<>() {
      private Throwable next = failure;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Throwable next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Throwable current = next;
        next = current.getCause() == current ? null : current.getCause();
        return current;
      }
    };
  }

  /** The first failure of {@code type} in the chain of {@code failure}, or null. */
  public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t : chain(failure)) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** The innermost cause of {@code failure}: {@code failure} itself when it has none. */
  public static Throwable root(Throwable failure) {
    Throwable root = failure;
    for (Throwable t : chain(failure)) {
      root = t;
    }
    return root;
  }
}
