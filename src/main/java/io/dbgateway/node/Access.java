package io.dbgateway.node;

/** What a unit needs of the node it runs on, so the chooser can pick one. */
public enum Access {
  /** The unit may write: it goes to the one writer. */
  WRITE(true, true),
  /** A read that must see every acknowledged write (read-your-writes): the writer too. */
  STRONG_READ(false, true),
  /** A read that any eligible node may serve. */
  READ(false, false);

  private final boolean write;
  private final boolean strong;

  Access(boolean write, boolean strong) {
    this.write = write;
    this.strong = strong;
  }

  /** What a unit of this kind needs: a write, else a read as consistent as it asks. */
  public static Access of(boolean readOnly, boolean strong) {
    return !readOnly ? WRITE : strong ? STRONG_READ : READ;
  }

  public boolean write() {
    return write;
  }

  public boolean strong() {
    return strong;
  }
}
