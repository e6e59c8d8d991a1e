package io.dbgateway.config;

import java.util.List;

/** Every problem found in the configuration, reported together. */
public final class InvalidConfigException extends RuntimeException {

  /** The process exit status for a configuration that does not validate. */
  public static final int EXIT_STATUS = 2;

  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super("invalid configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  - "
        + String.join("\n  - ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
