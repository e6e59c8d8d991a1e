package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.dbgateway.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Forgiving parameter binding (api.md, Parameters): a value that the database accepts in that place, as
 * the text form of its type, is accepted whatever JSON kind it came as, and a value the database refuses
 * is the problem the error mapping gives its SQLSTATE, never a 500.
 *
 * <p>Each engine gives one table of cases: a column type, a JSON value, and the text the database then
 * holds (or the problem it answers). Every case runs through {@code /v1/query} with {@code ?}
 * placeholders and with {@code :name} placeholders, and through the Data API's {@code ExecuteStatement}
 * with the value as the {@code Field} a Data API client sends ({@code stringValue}, {@code longValue},
 * {@code doubleValue}, {@code booleanValue}, {@code arrayValue}, {@code isNull}, with the case's
 * {@code typeHint}); where the engine casts to every type, also as an explicit cast in a {@code SELECT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ParameterBindingTck {

  /**
   * One case.
   *
   * @param type the column type (or cast target)
   * @param value the JSON value bound
   * @param expected the value's text as the database holds it ({@link #asText}), null for SQL NULL
   * @param refusal for a value the database refuses: the problem's code and SQLSTATE, else null
   * @param typeHint the Data API's typeHint to send with it, or null
   * @param read how to read the value back, {@code {v}} standing for it; null for {@link #asText}
   */
  protected record Case(String type, Object value, String expected, Refusal refusal, String typeHint, String read) {

    public Case withHint(String hint) {
      return new Case(type, value, expected, refusal, hint, read);
    }

    public Case readAs(String template) {
      return new Case(type, value, expected, refusal, typeHint, template);
    }

    @Override
    public String toString() {
      String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
      return type + " <- " + shown + (refusal == null ? " -> " + expected : " refused " + refusal.sqlState());
    }
  }

  /** What the database answers a value it refuses: the problem's code and SQLSTATE. */
  protected record Refusal(ErrorCode code, String sqlState) {}

  protected static Case accepts(String type, Object value, String expected) {
    return new Case(type, value, expected, null, null, null);
  }

  protected static Case refuses(String type, Object value, ErrorCode code, String sqlState) {
    return new Case(type, value, null, new Refusal(code, sqlState), null, null);
  }

  protected abstract Engine engine();

  /** This engine's cases. */
  protected abstract List<Case> cases();

  /** The text of an expression, as this engine writes it. */
  protected abstract String asText(String expression);

  /**
   * An explicit cast of {@code placeholder} to {@code type}, or null where the engine does not cast to
   * every type (only columns are tried then).
   */
  protected String cast(String placeholder, String type) {
    return null;
  }

  /** Statements that make the types some cases use (an enum, a domain). */
  protected List<String> typesUsed() {
    return List.of();
  }

  private final Map<String, String> tableOfType = new HashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  void createATablePerType() throws SQLException {
    engine().execute(typesUsed().toArray(String[]::new));
    for (Case c : cases()) {
      if (!tableOfType.containsKey(c.type())) {
        String table = Engine.uniqueTable("bind");
        engine().execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v " + c.type() + ")");
        tableOfType.put(c.type(), table);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> positionalParameters() {
    return each(c -> {
      int id = ids.incrementAndGet();
      GatewayUnderTest.Response insert = v1(insertSql(c, "?", "?"), new JsonArray().add(id).add(c.value()));
      if (expectRefusal(c, insert)) {
        return;
      }
      GatewayUnderTest.Response read = v1(selectSql(c, "?"), new JsonArray().add(id));
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(firstValue(read)).as(read.body()).isEqualTo(c.expected());
    });
  }

  @TestFactory
  Stream<DynamicTest> namedParameters() {
    return each(c -> {
      int id = ids.incrementAndGet();
      GatewayUnderTest.Response insert = v1(insertSql(c, ":id", ":v"),
          new JsonObject().put("id", id).put("v", c.value()));
      if (expectRefusal(c, insert)) {
        return;
      }
      GatewayUnderTest.Response read = v1(selectSql(c, ":id"), new JsonObject().put("id", id));
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(firstValue(read)).as(read.body()).isEqualTo(c.expected());
    });
  }

  @TestFactory
  Stream<DynamicTest> explicitCasts() {
    if (cast("?", "int") == null) {
      return Stream.empty();
    }
    return each(c -> {
      String sql = "SELECT " + read(c, "v") + " AS v FROM (SELECT " + cast("?", c.type()) + " AS v) AS bound";
      GatewayUnderTest.Response answer = v1(sql, new JsonArray().add(c.value()));
      if (!expectRefusal(c, answer)) {
        assertThat(firstValue(answer)).as(answer.body()).isEqualTo(c.expected());
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> dataApiFields() {
    return cases().stream().filter(c -> field(c.value()) != null)
        .map(c -> dynamicTest(c.toString() + " as " + field(c.value()).fieldNames().iterator().next(), () -> {
          int id = ids.incrementAndGet();
          JsonObject v = new JsonObject().put("name", "v").put("value", field(c.value()));
          if (c.typeHint() != null) {
            v.put("typeHint", c.typeHint());
          }
          GatewayUnderTest.Response insert = dataApi(insertSql(c, ":id", ":v"), idParameter(id), v);
          if (expectRefusal(c, insert)) {
            return;
          }
          GatewayUnderTest.Response read = dataApi(selectSql(c, ":id"), idParameter(id));
          assertThat(read.status()).as(read.body()).isEqualTo(200);
          JsonObject f = read.json().getJsonArray("records").getJsonArray(0).getJsonObject(0);
          assertThat(f.containsKey("isNull") ? null : f.getString("stringValue")).as(read.body()).isEqualTo(c.expected());
        }));
  }

  // ---- helpers ----

  private Stream<DynamicTest> each(CaseCheck check) {
    return cases().stream().map(c -> dynamicTest(c.toString(), () -> check.run(c)));
  }

  @FunctionalInterface
  protected interface CaseCheck {
    void run(Case c) throws Throwable;
  }

  private String insertSql(Case c, String id, String v) {
    return "INSERT INTO " + tableOfType.get(c.type()) + " (id, v) VALUES (" + id + ", " + v + ")";
  }

  private String selectSql(Case c, String id) {
    return "SELECT " + read(c, "v") + " AS v FROM " + tableOfType.get(c.type()) + " WHERE id = " + id;
  }

  private String read(Case c, String expression) {
    return c.read() == null ? asText(expression) : c.read().replace("{v}", expression);
  }

  /** Whether the case expects a refusal, having checked that {@code answer} is that refusal. */
  private static boolean expectRefusal(Case c, GatewayUnderTest.Response answer) {
    if (c.refusal() == null) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      return false;
    }
    assertThat(answer.status()).as(answer.body()).isEqualTo(c.refusal().code().status());
    assertThat(answer.json().getString("code")).as(answer.body()).isEqualTo(c.refusal().code().name());
    assertThat(answer.json().getString("sqlState")).as(answer.body()).isEqualTo(c.refusal().sqlState());
    return true;
  }

  private GatewayUnderTest.Response v1(String sql, Object params) {
    return engine().gateway().post("/v1/query", new JsonObject().put("sql", sql).put("params", params)
        .put("format", "arrays"));
  }

  private GatewayUnderTest.Response dataApi(String sql, JsonObject... parameters) {
    return engine().gateway().post("/Execute", new JsonObject().put("sql", sql)
        .put("parameters", new JsonArray(List.of((Object[]) parameters))));
  }

  private static JsonObject idParameter(int id) {
    return new JsonObject().put("name", "id").put("value", new JsonObject().put("longValue", id));
  }

  private static Object firstValue(GatewayUnderTest.Response answer) {
    return answer.json().getJsonArray("rows").getJsonArray(0).getValue(0);
  }

  /**
   * The Data API {@code Field} a client sends for a JSON value: a document as the {@code stringValue} of
   * its text; null where the Data API has no shape for it (an array with nulls or of mixed kinds).
   */
  static JsonObject field(Object value) {
    if (value == null) {
      return new JsonObject().put("isNull", true);
    }
    if (value instanceof String || value instanceof JsonObject) {
      return new JsonObject().put("stringValue", value instanceof String s ? s : ((JsonObject) value).encode());
    }
    if (value instanceof java.math.BigInteger) {
      return null; // past a long: a Data API client sends such a number as a stringValue, another case
    }
    if (value instanceof Integer || value instanceof Long) {
      return new JsonObject().put("longValue", value);
    }
    if (value instanceof Number) {
      return new JsonObject().put("doubleValue", value);
    }
    if (value instanceof Boolean) {
      return new JsonObject().put("booleanValue", value);
    }
    JsonObject array = arrayValue((JsonArray) value);
    return array == null ? null : new JsonObject().put("arrayValue", array);
  }

  private static JsonObject arrayValue(JsonArray array) {
    Function<Object, String> member = e -> e instanceof String ? "stringValues" : e instanceof Boolean ? "booleanValues"
        : e instanceof Integer || e instanceof Long ? "longValues" : e instanceof Number ? "doubleValues"
        : e instanceof JsonArray ? "arrayValues" : null;
    String kind = array.isEmpty() ? "stringValues" : member.apply(array.getValue(0));
    List<Object> elements = new ArrayList<>();
    for (Object e : array) {
      if (kind == null || !kind.equals(member.apply(e))) {
        return null;
      }
      if (e instanceof JsonArray inner) {
        JsonObject nested = arrayValue(inner);
        if (nested == null) {
          return null;
        }
        elements.add(nested);
      } else {
        elements.add(e);
      }
    }
    return new JsonObject().put(kind, new JsonArray(elements));
  }
}
