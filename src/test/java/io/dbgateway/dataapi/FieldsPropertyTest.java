package io.dbgateway.dataapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.api.ParamType;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import io.dbgateway.testing.SeededCases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized properties of the Data API's {@code Field} parameter parser: random Field objects
 * (one member or several, values of the right JSON type or not, nested arrayValues, typeHints known or
 * not) are accepted exactly when an independent oracle says they are well formed, and every other one
 * is a 400 BAD_REQUEST, never another exception. Rerun a failure with {@code -Dfields.seed=<seed>}.
 */
class FieldsPropertyTest {

  private static final long SEED = SeededCases.seed("FieldsPropertyTest", "fields.seed", 20_261_128L);
  private static final int CASES = 40;
  private static final int FIELDS_PER_CASE = 200;
  private static final List<String> MEMBERS =
      List.of("isNull", "booleanValue", "longValue", "doubleValue", "stringValue", "blobValue", "arrayValue");
  private static final List<String> HINTS = List.of("DECIMAL", "TIMESTAMP", "DATE", "TIME", "UUID", "JSON");
  private static final List<Object> VALUES = List.of(true, false, 0, 42, Long.MAX_VALUE, 1.5, -0.0, "", "x",
      "2024-01-31", new JsonObject(), new JsonArray(), new JsonArray().add(1));

  /** A generated JSON value and whether the oracle accepts it where it stands. */
  record Generated(Object json, boolean valid) {}

  static Stream<Arguments> cases() {
    return SeededCases.of(SEED, CASES);
  }

  @ParameterizedTest(name = "case {0} seed {1}")
  @MethodSource("cases")
  void fieldsAreAcceptedExactlyWhenWellFormed(int index, long seed) {
    Random random = new Random(seed);
    for (int n = 0; n < FIELDS_PER_CASE; n++) {
      Generated field = field(random, 0);
      String hint = random.nextInt(3) == 0 ? null
          : random.nextInt(6) == 0 ? "BIGINT" : HINTS.get(random.nextInt(HINTS.size()));
      boolean valid = field.valid() && (hint == null || HINTS.contains(hint));
      if (valid) {
        Fields.Param param = Fields.param(field.json(), hint, "p");
        JsonObject sent = (JsonObject) field.json();
        String member = sent.fieldNames().iterator().next();
        switch (member) {
          case "isNull" -> assertThat(param.value()).isNull();
          case "blobValue" -> assertThat(param.type()).isEqualTo(ParamType.BINARY);
          case "stringValue" -> {
            assertThat(param.value()).isEqualTo(sent.getValue(member));
            assertThat(param.type()).isEqualTo(hint == null ? null : ParamType.valueOf(hint));
          }
          case "arrayValue" -> assertThat(param.value()).isInstanceOf(JsonArray.class);
          case "doubleValue" -> assertThat(param.value()).isEqualTo(((Number) sent.getValue(member)).doubleValue());
          default -> assertThat(param.value()).isEqualTo(sent.getValue(member));
        }
      } else {
        assertThatThrownBy(() -> Fields.param(field.json(), hint, "p")).as(String.valueOf(field.json()) + " hint " + hint)
            .isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.problem().code()).isEqualTo(ErrorCode.BAD_REQUEST));
      }
    }
  }

  private static Generated field(Random random, int depth) {
    switch (random.nextInt(10)) {
      case 0:
        return new Generated(VALUES.get(random.nextInt(VALUES.size())), false);
      case 1:
        return new Generated(new JsonObject(), false);
      case 2: {
        // Two members, or longValue given a string: wrong either way.
        return new Generated(new JsonObject().put("longValue", 1).put(MEMBERS.get(random.nextInt(MEMBERS.size())), "x"), false);
      }
      case 3:
        return new Generated(new JsonObject().put(random.nextBoolean() ? "intValue" : "LongValue", 1), false);
      default:
        String member = MEMBERS.get(random.nextInt(MEMBERS.size()));
        Generated value = member.equals("arrayValue") ? arrayValue(random, depth) : value(member, random);
        return new Generated(new JsonObject().put(member, value.json()), value.valid());
    }
  }

  private static Generated value(String member, Random random) {
    Object value = VALUES.get(random.nextInt(VALUES.size()));
    boolean valid = switch (member) {
      case "isNull" -> Boolean.TRUE.equals(value);
      case "booleanValue" -> value instanceof Boolean;
      case "longValue" -> value instanceof Integer || value instanceof Long;
      case "doubleValue" -> value instanceof Number;
      default -> value instanceof String; // stringValue, blobValue
    };
    return new Generated(value, valid);
  }

  private static Generated arrayValue(Random random, int depth) {
    List<String> kinds = List.of("booleanValues", "longValues", "doubleValues", "stringValues", "arrayValues");
    if (random.nextInt(8) == 0) {
      return new Generated(random.nextBoolean() ? "1,2" : new JsonObject(), false);
    }
    String kind = kinds.get(random.nextInt(depth < 2 ? 5 : 4));
    JsonArray elements = new JsonArray();
    boolean valid = true;
    for (int i = 0; i < random.nextInt(4); i++) {
      if (kind.equals("arrayValues")) {
        Generated nested = arrayValue(random, depth + 1);
        elements.add(nested.json());
        valid &= nested.valid();
      } else {
        Object e = VALUES.get(random.nextInt(VALUES.size()));
        elements.add(e);
        valid &= switch (kind) {
          case "booleanValues" -> e instanceof Boolean;
          case "longValues" -> e instanceof Integer || e instanceof Long;
          case "doubleValues" -> e instanceof Number;
          default -> e instanceof String;
        };
      }
    }
    return new Generated(new JsonObject().put(kind, elements), valid);
  }
}
