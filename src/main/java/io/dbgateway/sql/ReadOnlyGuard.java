package io.dbgateway.sql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses the statements that would take a read-only caller out of its read-only transaction, or change
 * the session a pooled connection keeps for the next caller: transaction control, {@code SET}, and
 * each engine's own (its {@code Dialect} lists them). The database enforces read-only itself; this
 * closes the ways around it that are not writes. It matches the first words of every statement in the
 * text, after comments, strings and quoted identifiers.
 */
public final class ReadOnlyGuard {

  private final SqlSyntax syntax;
  private final Set<List<String>> refused;
  private final int longest;
  private final Set<List<String>> refusedAnywhere;

  /** @param refused statement beginnings, one or more words each, such as {@code "COMMIT"} or {@code "CREATE TEMPORARY"} */
  public ReadOnlyGuard(SqlSyntax syntax, Set<String> refused) {
    this(syntax, refused, Set.of());
  }

  /**
   * @param refused statement beginnings, one or more words each, such as {@code "COMMIT"} or {@code "CREATE TEMPORARY"}
   * @param refusedAnywhere phrases refused wherever they are in a statement, such as {@code "LOCK IN SHARE MODE"}
   */
  public ReadOnlyGuard(SqlSyntax syntax, Set<String> refused, Set<String> refusedAnywhere) {
    this.syntax = syntax;
    this.refused = words(refused);
    this.longest = this.refused.stream().mapToInt(List::size).max().orElse(0);
    this.refusedAnywhere = words(refusedAnywhere);
  }

  private static Set<List<String>> words(Set<String> phrases) {
    return phrases.stream()
        .map(words -> List.of(words.toUpperCase(Locale.ROOT).trim().split("\\s+")))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The refused beginning or phrase {@code sql} has, if any, such as {@code "COMMIT"}. */
  public Optional<String> refusal(String sql) {
    int count = refusedAnywhere.isEmpty() ? longest : Integer.MAX_VALUE;
    for (List<String> words : SqlWords.leadingWords(sql, syntax, count)) {
      for (int length = 1; length <= Math.min(longest, words.size()); length++) {
        List<String> start = words.subList(0, length);
        if (refused.contains(start)) {
          return Optional.of(String.join(" ", start));
        }
      }
      for (List<String> phrase : refusedAnywhere) {
        if (java.util.Collections.indexOfSubList(words, phrase) >= 0) {
          return Optional.of(String.join(" ", phrase));
        }
      }
    }
    return Optional.empty();
  }
}
