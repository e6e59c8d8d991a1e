package io.dbgateway.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A suffix after each placeholder (the casts typed parameters need), and the slot each bound value fills. */
class PlaceholderSuffixTest {

  private static final PlaceholderRewriter.Suffix CAST_A = (name, index) -> name.equals("a") ? "::numeric" : "";

  @Test
  void aNamedPlaceholderGetsItsSuffixWhereverItAppears() {
    ParsedStatement parsed = PlaceholderRewriter.parse("SELECT :a, ':a', :b, :a::text -- :a", SqlSyntax.POSTGRESQL, CAST_A);
    assertThat(parsed.sql()).isEqualTo("SELECT $1::numeric, ':a', $2, $1::numeric::text -- :a");
    assertThat(parsed.slots()).containsExactly("a", "b");
    assertThat(parsed.bind(new JsonObject().put("a", "1.5").put("b", 2))).containsExactly("1.5", 2);
  }

  @Test
  void onQuestionMarkEnginesEveryOccurrenceIsASlot() {
    ParsedStatement parsed = PlaceholderRewriter.parse("SELECT :a, :b, :a", SqlSyntax.MYSQL, CAST_A);
    assertThat(parsed.sql()).isEqualTo("SELECT ?::numeric, ?, ?::numeric");
    assertThat(parsed.slots()).containsExactly("a", "b", "a");
  }

  @Test
  void aPositionalPlaceholderGetsTheSuffixOfItsIndex() {
    ParsedStatement parsed = PlaceholderRewriter.parse("SELECT ?, ?", SqlSyntax.POSTGRESQL,
        (name, index) -> index == 1 ? "::uuid" : "");
    assertThat(parsed.sql()).isEqualTo("SELECT $1, $2::uuid");
    assertThat(parsed.slots()).isEqualTo(List.of("?", "?"));
    assertThat(parsed.bind(new JsonArray().add(1).add("u"))).containsExactly(1, "u");
  }

  @Test
  void withoutASuffixTheRewriteIsUnchanged() {
    assertThat(PlaceholderRewriter.parse("SELECT :a", SqlSyntax.POSTGRESQL).sql()).isEqualTo("SELECT $1");
  }
}
