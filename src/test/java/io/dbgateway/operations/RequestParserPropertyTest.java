package io.dbgateway.operations;

import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.Limits;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.ResultFormat;
import io.dbgateway.api.TransactionRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.config.QueryConfig;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import io.dbgateway.testing.SeededCases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized properties of {@link RequestParser}: bodies are built field by field from valid and
 * invalid values, and an independent oracle says whether each field is acceptable. The parser accepts
 * exactly the bodies whose every field is, returns what was sent, and refuses every other one with a
 * 400 BAD_REQUEST, never another exception. Rerun a failure with {@code -Dparser.seed=<seed>}.
 */
class RequestParserPropertyTest {

  private static final long SEED = SeededCases.seed("RequestParserPropertyTest", "parser.seed", 20_261_128L);
  private static final int CASES = 60;
  private static final int BODIES_PER_CASE = 100;
  private static final QueryConfig CONFIG = new QueryConfig(1_000, 5_000, 30_000, 60_000, 10);
  private static final RequestParser PARSER = new RequestParser(CONFIG);

  /** A generated value and whether the oracle accepts it for its field. */
  record Value(Object json, boolean valid) {}

  static Stream<Arguments> cases() {
    return SeededCases.of(SEED, CASES);
  }

  @ParameterizedTest(name = "case {0} seed {1}")
  @MethodSource("cases")
  void queryBodiesAreAcceptedExactlyWhenEveryFieldIsValid(int index, long seed) {
    Random random = new Random(seed);
    for (int n = 0; n < BODIES_PER_CASE; n++) {
      JsonObject body = new JsonObject();
      boolean valid = true;
      valid &= put(body, "sql", sql(random), random, true);
      valid &= put(body, "params", params(random), random, false);
      valid &= putLimits(body, random);
      valid &= put(body, "readOnly", bool(random), random, false);
      valid &= put(body, "consistency", choice(random, "eventual", "strong"), random, false);
      valid &= put(body, "txId", text(random), random, false);
      valid &= maybeUnknownField(body, random);
      if (valid) {
        QueryRequest request = PARSER.query(body);
        assertThat(request.statement().sql()).isEqualTo(body.getString("sql"));
        assertThat(request.statement().params()).isEqualTo(body.getValue("params"));
        assertThat(request.readOnly()).isEqualTo(body.getBoolean("readOnly", false));
        assertThat(request.txId()).isEqualTo(body.getString("txId"));
        assertLimits(request.limits(), body);
      } else {
        assertBadRequest(() -> PARSER.query(body), body);
      }
    }
  }

  @ParameterizedTest(name = "case {0} seed {1}")
  @MethodSource("cases")
  void batchBodiesAreAcceptedExactlyWhenEveryFieldIsValid(int index, long seed) {
    Random random = new Random(seed);
    for (int n = 0; n < BODIES_PER_CASE; n++) {
      JsonObject body = new JsonObject();
      boolean valid = true;
      valid &= put(body, "sql", sql(random), random, true);
      valid &= put(body, "params", paramSets(random), random, true);
      valid &= putLimits(body, random);
      valid &= maybeUnknownField(body, random);
      if (valid) {
        BatchRequest request = PARSER.batch(body);
        assertThat(request.sql()).isEqualTo(body.getString("sql"));
        assertThat(request.paramSets()).containsExactlyElementsOf(body.getJsonArray("params").getList().stream()
            .map(RequestParserPropertyTest::asJson).toList());
        assertLimits(request.limits(), body);
      } else {
        assertBadRequest(() -> PARSER.batch(body), body);
      }
    }
  }

  @ParameterizedTest(name = "case {0} seed {1}")
  @MethodSource("cases")
  void transactionBodiesAreAcceptedExactlyWhenEveryStatementIsValid(int index, long seed) {
    Random random = new Random(seed);
    for (int n = 0; n < BODIES_PER_CASE; n++) {
      JsonObject body = new JsonObject();
      boolean valid = true;
      Value statements = statements(random);
      valid &= put(body, "statements", statements, random, true);
      valid &= put(body, "readOnly", bool(random), random, false);
      valid &= putLimits(body, random);
      valid &= maybeUnknownField(body, random);
      if (valid) {
        TransactionRequest request = PARSER.transaction(body);
        JsonArray sent = body.getJsonArray("statements");
        assertThat(request.statements()).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
          assertThat(request.statements().get(i).sql()).isEqualTo(sent.getJsonObject(i).getString("sql"));
        }
        assertThat(request.readOnly()).isEqualTo(body.getBoolean("readOnly", false));
      } else {
        assertBadRequest(() -> PARSER.transaction(body), body);
      }
    }
  }

  private static Object asJson(Object value) {
    return value instanceof java.util.Map<?, ?> map ? new JsonObject(new java.util.LinkedHashMap<>(castMap(map)))
        : value instanceof List<?> list ? new JsonArray(new ArrayList<>(list)) : value;
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> castMap(java.util.Map<?, ?> map) {
    return (java.util.Map<String, Object>) map;
  }

  private static void assertBadRequest(Runnable parse, JsonObject body) {
    assertThatThrownBy(parse::run).as(body.encode())
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.problem().code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.problem().detail()).isNotBlank();
        });
  }

  private static void assertLimits(Limits limits, JsonObject body) {
    assertThat(limits.maxRows()).isEqualTo(body.getValue("maxRows") == null ? CONFIG.defaultMaxRows()
        : ((Number) body.getValue("maxRows")).intValue());
    assertThat(limits.timeoutMs()).isEqualTo(body.getValue("timeoutMs") == null ? CONFIG.defaultTimeoutMs()
        : ((Number) body.getValue("timeoutMs")).longValue());
    String format = body.getString("format");
    assertThat(limits.format()).isEqualTo(format == null ? ResultFormat.OBJECTS
        : ResultFormat.valueOf(format.toUpperCase(Locale.ROOT)));
  }

  /** Puts the value, or leaves the field out (allowed unless required); true when the field is acceptable. */
  private static boolean put(JsonObject body, String field, Value value, Random random, boolean required) {
    if (random.nextInt(5) == 0) {
      return !required;
    }
    body.put(field, value.json());
    return value.valid() || value.json() == null && !required;
  }

  private static boolean putLimits(JsonObject body, Random random) {
    boolean valid = put(body, "maxRows", whole(random, 0, CONFIG.maxRowsLimit()), random, false);
    valid &= put(body, "timeoutMs", whole(random, 1, CONFIG.maxTimeoutMs()), random, false);
    valid &= put(body, "format", choice(random, "objects", "arrays"), random, false);
    return valid;
  }

  private static boolean maybeUnknownField(JsonObject body, Random random) {
    if (random.nextInt(8) != 0) {
      return true;
    }
    body.put(List.of("SQL", "param", "max_rows", "", " sql", "__proto__", "limit").get(random.nextInt(7)), 1);
    return false;
  }

  private static Value sql(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> new Value(null, false);
      case 1 -> new Value("", false);
      case 2 -> new Value("  \t\n", false);
      case 3 -> new Value(42, false);
      case 4 -> new Value(new JsonArray().add("SELECT 1"), false);
      case 5 -> new Value("SELECT 1\0", false);
      default -> new Value(List.of("SELECT 1", "SELECT * FROM t WHERE id = ?", "UPDATE t SET a = :a",
          "SELECT 'it''s' -- ?", "SELECT \"é\", '😀'").get(random.nextInt(5)), true);
    };
  }

  private static Value params(Random random) {
    return switch (random.nextInt(7)) {
      case 0 -> new Value(null, true);
      case 1 -> new Value(new JsonArray().add(1).add("x").addNull(), true);
      case 2 -> new Value(new JsonObject().put("a", 1).put("b", new JsonObject()), true);
      case 3 -> new Value(new JsonArray(), true);
      case 4 -> new Value("1", false);
      case 5 -> new Value(7, false);
      default -> new Value(random.nextBoolean(), false);
    };
  }

  private static Value paramSets(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> new Value(null, false);
      case 1 -> new Value(new JsonArray(), false);
      case 2 -> new Value(new JsonObject(), false);
      case 3 -> new Value(new JsonArray().add(1), false);
      case 4 -> new Value(new JsonArray().add(new JsonArray()).add("x"), false);
      case 5 -> {
        JsonArray many = new JsonArray();
        for (int i = 0; i <= CONFIG.maxStatements(); i++) {
          many.add(new JsonArray().add(i));
        }
        yield new Value(many, false);
      }
      default -> new Value(new JsonArray().add(new JsonArray().add(1)).add(new JsonObject().put("a", 2)), true);
    };
  }

  private static Value statements(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> new Value(null, false);
      case 1 -> new Value(new JsonArray(), false);
      case 2 -> new Value(new JsonObject(), false);
      case 3 -> new Value(new JsonArray().add("SELECT 1"), false);
      case 4 -> new Value(new JsonArray().add(new JsonObject().put("sql", "SELECT 1").put("extra", true)), false);
      case 5 -> new Value(new JsonArray().add(new JsonObject().put("params", new JsonArray())), false);
      default -> {
        JsonArray list = new JsonArray();
        for (int i = 0; i <= random.nextInt(CONFIG.maxStatements()); i++) {
          list.add(new JsonObject().put("sql", "SELECT " + i).put("params", new JsonArray()));
        }
        yield new Value(list, true);
      }
    };
  }

  private static Value whole(Random random, long min, long max) {
    return switch (random.nextInt(9)) {
      case 0 -> new Value(min - 1, false);
      case 1 -> new Value(max + 1, false);
      case 2 -> new Value(1.5, false);
      case 3 -> new Value("10", false);
      case 4 -> new Value(Long.MAX_VALUE, false);
      case 5 -> new Value(new java.math.BigInteger("99999999999999999999999"), false);
      case 6 -> new Value(min, true);
      default -> new Value(min + (long) (random.nextDouble() * (max - min)), true);
    };
  }

  private static Value bool(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> new Value("true", false);
      case 1 -> new Value(1, false);
      default -> new Value(random.nextBoolean(), true);
    };
  }

  private static Value choice(Random random, String... allowed) {
    Set<String> ok = Set.of(allowed);
    String[] pool = {allowed[0], allowed[allowed.length - 1].toUpperCase(Locale.ROOT), "other", ""};
    String picked = pool[random.nextInt(pool.length)];
    return random.nextInt(6) == 0 ? new Value(3, false)
        : new Value(picked, ok.contains(picked.toLowerCase(Locale.ROOT)));
  }

  private static Value text(Random random) {
    return random.nextInt(4) == 0 ? new Value(12, false) : new Value("tx-" + random.nextInt(1000), true);
  }
}
