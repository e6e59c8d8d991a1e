package io.dbgateway.sql;

import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized properties of {@link PlaceholderRewriter}: statements are built from random
 * fragments whose expected rewrite is known piece by piece. Each case derives its own
 * {@link Random} from the printed seed; rerun a failure with {@code -Dplaceholder.seed=<seed>}.
 */
class PlaceholderRewriterPropertyTest {

  private static final long SEED = Long.getLong("placeholder.seed", 20_240_917L);
  private static final int CASES_PER_SYNTAX = 20;
  private static final int STATEMENTS_PER_CASE = 300;
  private static final List<String> NAMES = List.of("id", "name", "user_id", "x", "_p1", "a2", "E", "0", "1", "12");
  private static final String MIX = "a statement cannot mix ? and :name placeholders";
  private static final Pattern DOLLAR_NUMBER = Pattern.compile("\\$(\\d+)");

  static {
    System.out.println("PlaceholderRewriterPropertyTest seed=" + SEED
        + " (rerun with -Dplaceholder.seed=" + SEED + ")");
  }

  /** One piece of a generated statement: text that must come out unchanged, or a placeholder. */
  sealed interface Piece permits Kept, Placeholder {}

  /** Text the rewriter must copy as is; {@code guarded} marks quotes and comments. */
  record Kept(String text, boolean guarded) implements Piece {}

  /** {@code ?} when name is null, else {@code :name}. */
  record Placeholder(String name) implements Piece {
    String input() {
      return name == null ? "?" : ":" + name;
    }
  }

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    Map<String, SqlSyntax> syntaxes = new LinkedHashMap<>();
    syntaxes.put("postgresql", SqlSyntax.POSTGRESQL);
    syntaxes.put("mysql", SqlSyntax.MYSQL);
    syntaxes.put("sqlite", SqlSyntax.SQLITE);
    int index = 0;
    for (Map.Entry<String, SqlSyntax> syntax : syntaxes.entrySet()) {
      for (int c = 0; c < CASES_PER_SYNTAX; c++, index++) {
        cases.add(Arguments.of(syntax.getKey(), c, syntax.getValue(), SEED * 1_000_003L + index));
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} case {1}")
  @MethodSource("cases")
  void rewritesGeneratedStatements(String dialect, int caseNo, SqlSyntax syntax, long caseSeed) {
    Random random = new Random(caseSeed);
    for (int s = 0; s < STATEMENTS_PER_CASE; s++) {
      boolean named = random.nextBoolean();
      List<Piece> pieces = statement(random, syntax, named, false);
      String input = join(pieces);
      try {
        checkStatement(random, syntax, named, pieces, input);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + SEED + ", " + dialect + " case " + caseNo
            + ", statement " + s + ": " + input + "\n" + e.getMessage(), e);
      }
    }
  }

  @ParameterizedTest(name = "{0} case {1}")
  @MethodSource("cases")
  void rejectsEveryMixOfPositionalAndNamed(String dialect, int caseNo, SqlSyntax syntax, long caseSeed) {
    Random random = new Random(~caseSeed);
    for (int s = 0; s < STATEMENTS_PER_CASE / 3; s++) {
      String input = join(statement(random, syntax, false, true));
      String error = null;
      try {
        PlaceholderRewriter.parse(input, syntax);
      } catch (GatewayException e) {
        error = e.getMessage();
      }
      check(MIX.equals(error), "seed %d, %s case %d: %s for %s", SEED, dialect, caseNo, error, input);
    }
  }

  @ParameterizedTest(name = "{0} case {1}")
  @MethodSource("cases")
  void neverCrashesOnCharacterSoup(String dialect, int caseNo, SqlSyntax syntax, long caseSeed) {
    Random random = new Random(caseSeed ^ 0x50_0Bl);
    String alphabet = "'\"`$:?-/*#\n\\Eae1_ (),";
    for (int s = 0; s < STATEMENTS_PER_CASE; s++) {
      StringBuilder soup = new StringBuilder();
      for (int k = random.nextInt(40); k > 0; k--) {
        soup.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String input = soup.toString();
      String context = "seed " + SEED + ", " + dialect + " case " + caseNo + ": " + input;
      ParsedStatement parsed;
      try {
        parsed = PlaceholderRewriter.parse(input, syntax);
      } catch (GatewayException e) {
        check(MIX.equals(e.getMessage()), "%s: %s", context, e.getMessage());
        continue;
      }
      check(parsed.placeholderCount() > 0 || parsed.sql().equals(input), "%s changed", context);
      if (syntax.target() == ParameterStyle.QUESTION_MARK) {
        // Turning :name into ? must not move any quote or comment boundary.
        ParsedStatement again = PlaceholderRewriter.parse(parsed.sql(), syntax);
        check(again.sql().equals(parsed.sql())
            && again.placeholderCount() == parsed.placeholderCount(), "%s not stable", context);
      }
    }
  }

  private static void checkStatement(
      Random random, SqlSyntax syntax, boolean named, List<Piece> pieces, String input) {
    ParsedStatement parsed = PlaceholderRewriter.parse(input, syntax);
    String out = parsed.sql();
    List<String> generatedNames = new ArrayList<>();
    for (Piece piece : pieces) {
      if (piece instanceof Placeholder p) {
        generatedNames.add(p.name() == null ? ParsedStatement.POSITIONAL : p.name());
      }
    }

    // (1) every guarded fragment is in the output, unchanged and in order
    int cursor = 0;
    for (Piece piece : pieces) {
      if (piece instanceof Kept kept && kept.guarded()) {
        int at = out.indexOf(kept.text(), cursor);
        check(at >= 0, "fragment %s missing after offset %d of %s", kept.text(), cursor, out);
        cursor = at + kept.text().length();
      }
    }

    // (2) the placeholders found are the ones generated
    check(parsed.placeholderCount() == generatedNames.size(), "count %d, generated %d",
        parsed.placeholderCount(), generatedNames.size());
    check(parsed.parameterNames().equals(generatedNames), "names %s, generated %s",
        parsed.parameterNames(), generatedNames);
    check(parsed.named() == (named && !generatedNames.isEmpty()), "named is %s", parsed.named());

    // The output is the input with exactly the placeholders rewritten; collect what they became.
    List<Integer> numbers = new ArrayList<>();
    int pos = 0;
    for (Piece piece : pieces) {
      if (piece instanceof Kept kept) {
        check(out.startsWith(kept.text(), pos), "no %s at %d of %s", kept.text(), pos, out);
        pos += kept.text().length();
      } else if (syntax.target() == ParameterStyle.DOLLAR_NUMBERED) {
        Matcher m = DOLLAR_NUMBER.matcher(out).region(pos, out.length());
        check(m.lookingAt(), "no $n at %d of %s", pos, out);
        numbers.add(Integer.parseInt(m.group(1)));
        pos = m.end();
      } else {
        check(out.startsWith("?", pos), "no ? at %d of %s", pos, out);
        pos++;
      }
    }
    check(pos == out.length(), "unexpected text after %d of %s", pos, out);

    // (3) PostgreSQL numbers are 1..n by first appearance, a repeated name keeping its number
    List<String> distinct = new ArrayList<>();
    if (syntax.target() == ParameterStyle.DOLLAR_NUMBERED) {
      for (int k = 0; k < generatedNames.size(); k++) {
        String key = named ? generatedNames.get(k) : String.valueOf(k);
        if (!distinct.contains(key)) {
          distinct.add(key);
        }
        check(numbers.get(k) == distinct.indexOf(key) + 1, "placeholder %d is $%d in %s",
            k, numbers.get(k), out);
      }
    }

    // (4) binding returns the generated values in the driver's order
    List<Object> expected = new ArrayList<>();
    Object params;
    if (named) {
      JsonObject object = new JsonObject().put("unused_extra", "ignored");
      for (String name : generatedNames) {
        if (!object.containsKey(name)) {
          object.put(name, value(random));
        }
      }
      List<String> order =
          syntax.target() == ParameterStyle.DOLLAR_NUMBERED ? distinct : generatedNames;
      for (String name : order) {
        expected.add(object.getValue(name));
      }
      params = object;
    } else {
      JsonArray array = new JsonArray();
      for (int k = 0; k < generatedNames.size(); k++) {
        Object v = value(random);
        array.add(v);
        expected.add(v);
      }
      params = array;
    }
    List<Object> bound = parsed.bind(params);
    check(bound.equals(expected), "bound %s, expected %s", bound, expected);
  }

  /** A plain check: AssertJ per statement would dominate the run time of thousands of them. */
  private static void check(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new AssertionError(String.format(format, args));
    }
  }

  // ---- generation ----

  /** Random pieces separated by whitespace-ish code, so no two fragments fuse into another token. */
  private static List<Piece> statement(Random r, SqlSyntax syntax, boolean named, boolean mixed) {
    List<Piece> pieces = new ArrayList<>();
    int size = r.nextInt(14);
    boolean sawPositional = false;
    boolean sawNamed = false;
    for (int k = 0; k < size || (mixed && !(sawPositional && sawNamed)); k++) {
      Piece piece;
      int roll = r.nextInt(10);
      if (roll < 3 || (mixed && k >= size)) {
        boolean asNamed = mixed ? (k >= size ? !sawNamed : r.nextBoolean()) : named;
        piece = new Placeholder(asNamed ? pick(r, NAMES) : null);
        sawNamed |= asNamed;
        sawPositional |= !asNamed;
      } else if (roll < 8) {
        piece = new Kept(guardedFragment(r, syntax), true);
      } else {
        piece = new Kept(codeFragment(r), false);
      }
      // Casts may touch what precedes them, as in :id::int.
      boolean touches = piece instanceof Kept kept && kept.text().startsWith("::") && r.nextBoolean();
      if (!pieces.isEmpty() && !touches) {
        pieces.add(new Kept(pick(r, List.of(" ", "\n", ", ", " + ", "\t", "(", ") ", " = ")), false));
      }
      pieces.add(piece);
    }
    return pieces;
  }

  private static String join(List<Piece> pieces) {
    StringBuilder sql = new StringBuilder();
    for (Piece piece : pieces) {
      sql.append(piece instanceof Kept kept ? kept.text() : ((Placeholder) piece).input());
    }
    return sql.toString();
  }

  private static final List<String> NASTY = List.of(
      "?", "??", ":x", ":name", ":id_2", "::int", ":::", "$1", "--", "#", " ", "a", "E", "é", "\t");

  private static String guardedFragment(Random r, SqlSyntax syntax) {
    boolean bs = syntax.backslashEscapes();
    List<String> kinds = new ArrayList<>(List.of("single", "double", "line", "block", "cast"));
    if (syntax.backtickIdentifiers()) {
      kinds.add("backtick");
    }
    if (syntax.hashComments()) {
      kinds.add("hash");
    }
    if (syntax.dollarQuotes()) {
      kinds.add("dollar");
      kinds.add("escape");
      kinds.add("native");
    }
    return switch (pick(r, kinds)) {
      case "single" -> "'" + content(r, "", with(bs ? List.of("\\'", "\\\\", "\\?") : List.of("\\"),
          "\"", "`", "/*", "*/", "$$", "$t$", "\n", "''")) + "'";
      case "escape" -> (r.nextBoolean() ? "E'" : "e'")
          + content(r, "", with(List.of("\\'", "\\\\", "''"), "\"", "/*", "*/", "$$", "\n")) + "'";
      case "double" -> "\"" + content(r, "", with(bs ? List.of("\\\"", "\\\\") : List.of("\\"),
          "'", "`", "/*", "*/", "$$", "\n", "\"\"")) + "\"";
      case "backtick" -> "`" + content(r, "", with(List.of("\\", "``"), "'", "\"", "/*", "*/", "$$", "\n")) + "`";
      case "line" -> "--" + content(r, "", with(List.of("'", "\"", "`", "/*", "*/", "$$", "\\"))) + "\n";
      case "hash" -> "#" + content(r, "", with(List.of("'", "\"", "`", "/*", "*/", "$$", "\\"))) + "\n";
      // Tokens are spaced so that none can close the comment by accident.
      case "block" -> "/*" + content(r, " ", with(List.of("'", "\"", "`", "$$", "\n", "\\",
          syntax.nestedComments() ? "/* ? :x */" : "/*"))) + "*/";
      case "dollar" -> dollarQuoted(r);
      case "native" -> pick(r, List.of("$1", "$2", "$10"));
      default -> pick(r, List.of("::int", "::text", "x::int", "'1'::jsonb", ":::", "a:::b", "::numeric(10,2)",
          "arr[1:2]", "a[i:3]", "b[:4]", "c[2:]", "x::int[]"));
    };
  }

  private static String dollarQuoted(Random r) {
    String delimiter = "$" + pick(r, List.of("", "", "t", "fn", "_x1", "body")) + "$";
    List<String> tokens = with(List.of("'", "\"", "`", "/*", "*/", "\n", "\\", "$$", "$t$", "$fn$"));
    while (true) {
      String body = content(r, "", tokens);
      // The body must not contain, or run into, its own closing delimiter.
      if ((body + delimiter).indexOf(delimiter) == body.length()) {
        return delimiter + body + delimiter;
      }
    }
  }

  private static String codeFragment(Random r) {
    return pick(r, List.of("SELECT", "FROM t", "WHERE", "a", "1", "NULL", "E", "e1", "3.5",
        "col$1", "a$b$", "x$", "$"));
  }

  private static List<String> with(List<String> extra, String... more) {
    List<String> tokens = new ArrayList<>(NASTY);
    tokens.addAll(extra);
    tokens.addAll(List.of(more));
    return tokens;
  }

  private static String content(Random r, String separator, List<String> tokens) {
    List<String> chosen = new ArrayList<>();
    for (int k = r.nextInt(7); k > 0; k--) {
      chosen.add(pick(r, tokens));
    }
    return separator.isEmpty() ? String.join("", chosen) : " " + String.join(" ", chosen) + " ";
  }

  private static Object value(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> r.nextInt(1000) - 500;
      case 1 -> "s" + r.nextInt(100) + (r.nextBoolean() ? "?" : ":x");
      case 2 -> null;
      case 3 -> r.nextBoolean();
      case 4 -> r.nextDouble();
      case 5 -> new JsonObject().put("k", r.nextInt(10));
      default -> new JsonArray().add(r.nextInt(10));
    };
  }

  private static <T> T pick(Random r, List<T> items) {
    return items.get(r.nextInt(items.size()));
  }
}
