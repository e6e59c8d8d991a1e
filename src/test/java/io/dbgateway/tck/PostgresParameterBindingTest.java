package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every built-in PostgreSQL type with a text input form, an enum and a domain: its text form as a string,
 * and where natural a JSON number, boolean, array or null. Values are read back as {@code v::text}, so a
 * case checks what the server stored, whatever the result decoding makes of the type.
 */
class PostgresParameterBindingTest extends ParameterBindingTck {

  private static final String UUID = "0f8fad5b-d9cb-469f-a165-70867728950e";
  private static final String IN_UTC = "({v} AT TIME ZONE 'UTC')::text";

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String asText(String expression) {
    return "(" + expression + ")::text";
  }

  @Override
  protected String cast(String placeholder, String type) {
    return placeholder + "::" + type;
  }

  @Override
  protected List<String> typesUsed() {
    return List.of("DROP TYPE IF EXISTS bind_mood CASCADE", "CREATE TYPE bind_mood AS ENUM ('sad', 'ok', 'happy')",
        "DROP DOMAIN IF EXISTS bind_positive CASCADE", "CREATE DOMAIN bind_positive AS int CHECK (VALUE > 0)");
  }

  @Override
  protected List<Case> cases() {
    return List.of(
        // numbers, from strings and from JSON numbers
        accepts("int2", "12", "12"), accepts("int2", 12, "12"),
        refuses("int2", 70000, ErrorCode.SQL_ERROR, "22003"),
        accepts("int4", "12", "12"), accepts("int4", " 7 ", "7"), accepts("int4", 12, "12"),
        refuses("int4", "abc", ErrorCode.SQL_ERROR, "22P02"), refuses("int4", 1.5, ErrorCode.SQL_ERROR, "22P02"),
        accepts("int8", "9007199254740993", "9007199254740993"), accepts("int8", 9007199254740993L, "9007199254740993"),
        accepts("numeric", "12.50", "12.50").withHint("DECIMAL"), accepts("numeric", 12.5, "12.5"),
        accepts("numeric", "NaN", "NaN"),
        accepts("numeric", new java.math.BigInteger("123456789012345678901234567890"), "123456789012345678901234567890"),
        accepts("float4", "1.5", "1.5"), accepts("float8", 1.5, "1.5"), accepts("float8", "-inf", "-Infinity"),
        accepts("money", "12.34", "$12.34"), accepts("money", 12.34, "$12.34"),
        accepts("oid", "42", "42"), accepts("oid", 42, "42"),
        // booleans
        accepts("bool", "t", "true"), accepts("bool", true, "true"), accepts("bool", "off", "false"),
        accepts("bool", 1, "true"), refuses("bool", "maybe", ErrorCode.SQL_ERROR, "22P02"),
        // text, from strings, numbers, booleans and documents
        accepts("text", "plain", "plain"), accepts("text", 42, "42"), accepts("text", true, "true"),
        accepts("text", new JsonObject().put("a", 1), "{\"a\":1}"),
        accepts("varchar(10)", 1.5, "1.5"), accepts("char(3)", "ab", "ab"), accepts("name", "abc", "abc"),
        // bytes: base64, or PostgreSQL's own hex form
        accepts("bytea", "AAEC", "\\x000102"), accepts("bytea", "\\x0102ff", "\\x0102ff"),
        // date and time
        accepts("date", "2024-01-02", "2024-01-02").withHint("DATE"), accepts("date", "Jan 2, 2024", "2024-01-02"),
        accepts("date", 20240102, "2024-01-02"),
        accepts("time", "10:11:12", "10:11:12").withHint("TIME"), accepts("time", "10:11", "10:11:00"),
        accepts("timetz", "10:11:12+02", "10:11:12+02"), accepts("timetz", "10:11:12+02:00", "10:11:12+02"),
        accepts("timestamp", "2024-01-02 03:04:05", "2024-01-02 03:04:05").withHint("TIMESTAMP"),
        accepts("timestamp", "2024-01-02T03:04:05.5", "2024-01-02 03:04:05.5"),
        accepts("timestamptz", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05").readAs(IN_UTC),
        accepts("timestamptz", "2024-01-02 05:04:05+02", "2024-01-02 03:04:05").readAs(IN_UTC),
        accepts("timestamptz", "epoch", "1970-01-01 00:00:00").readAs(IN_UTC),
        refuses("timestamp", "not a time", ErrorCode.SQL_ERROR, "22007"),
        accepts("interval", "1 day 02:00:00", "1 day 02:00:00"), accepts("interval", "P1DT2H", "1 day 02:00:00"),
        accepts("interval", "90 minutes", "01:30:00"),
        // identifiers and documents
        accepts("uuid", UUID, UUID).withHint("UUID"), accepts("uuid", "{" + UUID.toUpperCase() + "}", UUID),
        accepts("uuid", UUID.replace("-", ""), UUID),
        accepts("json", "{\"a\":  1}", "{\"a\":1}").withHint("JSON"), accepts("json", new JsonObject().put("a", 1), "{\"a\":1}"),
        accepts("json", new JsonArray().add(1).add(2), "[1,2]"), accepts("json", 5, "5"),
        accepts("jsonb", "{\"a\": 1}", "{\"a\": 1}"), accepts("jsonb", true, "true"),
        accepts("jsonb", new JsonObject().put("b", new JsonArray().add(1)), "{\"b\": [1]}"),
        refuses("jsonb", "{not json", ErrorCode.SQL_ERROR, "22P02"),
        accepts("xml", "<a>b</a>", "<a>b</a>"), accepts("pg_lsn", "16/B374D848", "16/B374D848"),
        // bit strings and text search
        accepts("bit(3)", "101", "101"), accepts("varbit", "10110", "10110"),
        refuses("bit(3)", "12", ErrorCode.SQL_ERROR, "22P02"),
        accepts("tsvector", "a fat cat", "'a' 'cat' 'fat'"), accepts("tsquery", "fat & cat", "'fat' & 'cat'"),
        // network addresses
        accepts("inet", "192.168.0.1/24", "192.168.0.1/24"), accepts("inet", "::1", "::1/128"),
        refuses("inet", "not an ip", ErrorCode.SQL_ERROR, "22P02"),
        accepts("cidr", "10.0.0.0/8", "10.0.0.0/8"),
        accepts("macaddr", "08:00:2b:01:02:03", "08:00:2b:01:02:03"), accepts("macaddr", "08002b010203", "08:00:2b:01:02:03"),
        accepts("macaddr8", "08:00:2b:01:02:03:04:05", "08:00:2b:01:02:03:04:05"),
        // geometry
        accepts("point", "(1,2)", "(1,2)"), accepts("line", "{1,-1,0}", "{1,-1,0}"),
        accepts("lseg", "[(0,0),(1,1)]", "[(0,0),(1,1)]"), accepts("box", "(1,1),(0,0)", "(1,1),(0,0)"),
        accepts("path", "[(0,0),(1,1),(2,0)]", "[(0,0),(1,1),(2,0)]"),
        accepts("polygon", "((0,0),(1,1),(1,0))", "((0,0),(1,1),(1,0))"), accepts("circle", "<(0,0),1>", "<(0,0),1>"),
        // ranges and multiranges
        accepts("int4range", "[1,5)", "[1,5)"), accepts("int4range", "[1,5]", "[1,6)"),
        accepts("int8range", "(1,10]", "[2,11)"), accepts("numrange", "(1.5,2.5]", "(1.5,2.5]"),
        accepts("tsrange", "[2024-01-01 00:00, 2024-02-01 00:00)", "[\"2024-01-01 00:00:00\",\"2024-02-01 00:00:00\")"),
        accepts("tstzrange", "[2024-01-01 00:00Z, 2024-02-01 00:00Z)", "31 days").readAs("(upper({v}) - lower({v}))::text"),
        accepts("daterange", "[2024-01-01,2024-02-01)", "[2024-01-01,2024-02-01)"),
        accepts("int4multirange", "{[1,3),[5,7)}", "{[1,3),[5,7)}"),
        // arrays: PostgreSQL's text form, or a JSON array
        accepts("int4[]", "{10,20,30}", "{10,20,30}"), accepts("int4[]", ints(10, 20, 30), "{10,20,30}"),
        accepts("int4[]", new JsonArray().add("10").add("20"), "{10,20}"),
        accepts("int4[]", new JsonArray().add(1).addNull().add(3), "{1,NULL,3}"),
        accepts("int4[]", new JsonArray().add(ints(1, 2)).add(ints(3, 4)), "{{1,2},{3,4}}"),
        refuses("int4[]", new JsonArray().add("x"), ErrorCode.SQL_ERROR, "22P02"),
        accepts("int8[]", new JsonArray().add(9007199254740993L), "{9007199254740993}"),
        accepts("text[]", "{a,\"b c\"}", "{a,\"b c\"}"),
        accepts("text[]", new JsonArray().add("a").add("b c").add("q\"uote"), "{a,\"b c\",\"q\\\"uote\"}"),
        accepts("text[]", new JsonArray().add(new JsonArray().add("a")).add(new JsonArray().add("b")), "{{a},{b}}"),
        accepts("varchar[]", new JsonArray().add(1).add("x"), "{1,x}"),
        accepts("numeric[]", new JsonArray().add(1.5).add("2.25"), "{1.5,2.25}"),
        accepts("float8[]", new JsonArray().add("Infinity").add(0.5), "{Infinity,0.5}"),
        accepts("bool[]", new JsonArray().add(true).add(false), "{t,f}"), accepts("bool[]", "{t,f}", "{t,f}"),
        accepts("date[]", new JsonArray().add("2024-01-02"), "{2024-01-02}"),
        accepts("timestamp[]", new JsonArray().add("2024-01-02 03:04:05"), "{\"2024-01-02 03:04:05\"}"),
        accepts("uuid[]", new JsonArray().add(UUID), "{" + UUID + "}"),
        accepts("bytea[]", new JsonArray().add("AAEC"), "{\"\\\\x000102\"}"),
        accepts("jsonb[]", new JsonArray().add(new JsonObject().put("a", 1)), "{\"{\\\"a\\\": 1}\"}"),
        accepts("interval[]", new JsonArray().add("1 day").add("02:00"), "{\"1 day\",02:00:00}"),
        accepts("inet[]", new JsonArray().add("10.0.0.1").add("::1"), "{10.0.0.1,::1}"),
        accepts("macaddr[]", "{08:00:2b:01:02:03}", "{08:00:2b:01:02:03}"),
        accepts("box[]", new JsonArray().add("(1,1),(0,0)").add("(2,2),(1,1)"), "{(1,1),(0,0);(2,2),(1,1)}"),
        accepts("int4range[]", new JsonArray().add("[1,2)"), "{\"[1,2)\"}"),
        // an enum and a domain
        accepts("bind_mood", "happy", "happy"), refuses("bind_mood", "angry", ErrorCode.SQL_ERROR, "22P02"),
        accepts("bind_mood[]", new JsonArray().add("ok").add("happy"), "{ok,happy}"),
        accepts("bind_mood[]", "{ok,happy}", "{ok,happy}"),
        accepts("bind_positive", "5", "5"), accepts("bind_positive", 5, "5"),
        refuses("bind_positive", -1, ErrorCode.CONFLICT, "23514"),
        // null, for types the driver binds, converts, or does not know
        accepts("int4", null, null), accepts("macaddr", null, null), accepts("bind_mood", null, null),
        accepts("int4[]", null, null), accepts("jsonb", null, null));
  }

  private static JsonArray ints(int... values) {
    JsonArray array = new JsonArray();
    for (int v : values) {
      array.add(v);
    }
    return array;
  }

  // ---- what a table of columns cannot show ----

  /** {@code SELECT ? IS NULL}: nothing gives the parameter a type, which PostgreSQL refuses (42P18) for a parameter. */
  @Test
  void aParameterNothingTypesTakesANullAndAValue() {
    GatewayUnderTest gateway = engine().gateway();
    JsonObject nulls = query(gateway, "SELECT ? IS NULL AS a, ? IS NULL AS b",
        new JsonArray().addNull().add("x"));
    assertThat(nulls.getJsonArray("rows").getJsonArray(0)).isEqualTo(new JsonArray().add(true).add(false));
    assertThat(query(gateway, "SELECT :v IS NULL AS a, COALESCE(:v, :w) AS b",
        new JsonObject().putNull("v").put("w", 5)).getJsonArray("rows").getJsonArray(0))
        .isEqualTo(new JsonArray().add(true).add("5"));
    GatewayUnderTest.Response dataApi = gateway.post("/Execute", new JsonObject().put("sql", "SELECT :v IS NULL AS a")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "v").put("value", field(null)))));
    assertThat(dataApi.status()).as(dataApi.body()).isEqualTo(200);
    assertThat(dataApi.json().getJsonArray("records").getJsonArray(0).getJsonObject(0))
        .isEqualTo(new JsonObject().put("booleanValue", true));
  }

  /** Where a failed statement would abort the transaction, a null of no type must not fail at all. */
  @Test
  void aParameterNothingTypesTakesANullInsideATransaction() {
    GatewayUnderTest gateway = engine().gateway();
    GatewayUnderTest.Response answer = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "SELECT ? IS NULL AS a").put("params", new JsonArray().addNull()))
        .add(new JsonObject().put("sql", "SELECT ?::macaddr::text AS m").put("params", new JsonArray().add("08:00:2b:01:02:03")))));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonArray results = answer.json().getJsonArray("results");
    assertThat(results.getJsonObject(0).getJsonArray("rows").getJsonObject(0).getBoolean("a")).isTrue();
    assertThat(results.getJsonObject(1).getJsonArray("rows").getJsonObject(0).getString("m")).isEqualTo("08:00:2b:01:02:03");
  }

  /**
   * The driver converts some values itself before it copies the tuple: a decimal or a JSON document
   * before a type it cannot encode must still go as text, in every order.
   */
  @Test
  void typesTheDriverCannotEncodeBindInAnyOrderWithOnesItPreEncodes() {
    GatewayUnderTest gateway = engine().gateway();
    JsonArray row = query(gateway, "SELECT ?::numeric::text AS n, ?::macaddr::text AS m, ?::jsonb::text AS j,"
        + " ?::xml::text AS x, ?::bind_mood::text AS e, ?::bit(3)::text AS b",
        new JsonArray().add("1.5").add("08:00:2b:01:02:03").add("{\"a\":1}").add("<a/>").add("ok").add("101"))
        .getJsonArray("rows").getJsonArray(0);
    assertThat(row).isEqualTo(new JsonArray().add("1.5").add("08:00:2b:01:02:03").add("{\"a\": 1}").add("<a/>")
        .add("ok").add("101"));
  }

  /** A portal binds its values at its first read: the stream binds them as a query does. */
  @Test
  void aStreamBindsItsParametersAsAQueryDoes() {
    GatewayUnderTest.Response answer = engine().gateway().post("/v1/query", new JsonObject()
        .put("sql", "SELECT ?::macaddr::text AS m, ?::int[] AS a, ? IS NULL AS n")
        .put("params", new JsonArray().add("08:00:2b:01:02:03").add("{1,2}").addNull()).encode(),
        Map.of("Accept", "application/x-ndjson"));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    String[] lines = answer.body().split("\n");
    assertThat(new JsonObject(lines[1])).as(answer.body()).isEqualTo(new JsonObject().put("m", "08:00:2b:01:02:03")
        .put("a", new JsonArray().add(1).add(2)).put("n", true));
  }

  /** Each set of a batch is bound on its own: kinds may differ between sets. */
  @Test
  void aBatchBindsEachSetOnItsOwn() throws Exception {
    String table = Engine.uniqueTable("bind");
    engine().execute("CREATE TABLE " + table + " (id int, mac macaddr, r int4range)");
    GatewayUnderTest.Response answer = engine().gateway().post("/v1/batch", new JsonObject()
        .put("sql", "INSERT INTO " + table + " VALUES (?, ?, ?)")
        .put("params", new JsonArray().add(new JsonArray().add("1").add("08:00:2b:01:02:03").addNull())
            .add(new JsonArray().add(2).addNull().add("[1,3)"))));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(engine().count(table, "id = 1 AND mac = '08:00:2b:01:02:03' AND r IS NULL")).isEqualTo(1);
    assertThat(engine().count(table, "id = 2 AND mac IS NULL AND r = '[1,3)'")).isEqualTo(1);
  }

  /** A {@code $n} the SQL writes itself has no value from the request: a 400, not the driver's failure. */
  @Test
  void aNumberedParameterTheRequestGivesNoValueIsABadRequest() {
    GatewayUnderTest.Response answer = engine().gateway().post("/v1/query", new JsonObject().put("sql", "SELECT $1"));
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.json().getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(answer.json().getString("detail")).contains("1 parameter but 0 values");
  }

  private static JsonObject query(GatewayUnderTest gateway, String sql, Object params) {
    GatewayUnderTest.Response answer = gateway.post("/v1/query", new JsonObject().put("sql", sql).put("params", params)
        .put("format", "arrays"));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json();
  }
}
