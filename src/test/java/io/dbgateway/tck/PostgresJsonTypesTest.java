package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresJsonTypesTest extends JsonTypesTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected ColumnType columnType(Kind kind) {
    return switch (kind) {
      case BIGINT -> new ColumnType("bigint", "BIGINT");
      case SMALLINT -> new ColumnType("smallint", "SMALLINT");
      case DECIMAL -> new ColumnType("numeric(30,10)", "NUMERIC");
      case DOUBLE -> new ColumnType("double precision", "DOUBLE");
      case BOOLEAN -> new ColumnType("boolean", "BOOLEAN");
      case DATE -> new ColumnType("date", "DATE");
      case TIME -> new ColumnType("time", "TIME");
      case TIMESTAMP -> new ColumnType("timestamp", "TIMESTAMP");
      case TIMESTAMPTZ -> new ColumnType("timestamptz", "TIMESTAMP_WITH_TIMEZONE");
      case BYTES -> new ColumnType("bytea", "BINARY");
      case JSON -> new ColumnType("json", "OTHER");
      case UUID -> new ColumnType("uuid", "OTHER");
      case TEXT -> new ColumnType("text", "VARCHAR");
    };
  }

  @Override
  protected String jsonTypeName() {
    return "json";
  }

  @Test
  void bytesInsertedWithDecodeAreBase64() {
    String table = table(Kind.BYTES);
    query("INSERT INTO " + table + " (id, v) VALUES (1, decode(?, 'base64'))", List.of("AAEC/f7/"));
    assertColumn(table, Kind.BYTES, "AAEC/f7/");
  }

  @Test
  void jsonbColumnIsEmbeddedJson() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v jsonb)", List.of());
    JsonObject document = new JsonObject().put("b", new JsonArray().add(1).add(2)).put("a", "x");
    query("INSERT INTO " + table + " (id, v) VALUES (1, ?)", Arrays.asList(document));
    query("INSERT INTO " + table + " (id, v) VALUES (2, ?)", Arrays.asList("[true, null]"));
    query("INSERT INTO " + table + " (id, v) VALUES (3, ?)", Arrays.asList(new JsonArray().add("y")));
    assertColumn(table, Kind.JSON, document, new JsonArray().add(true).addNull(), new JsonArray().add("y"));
  }

  @Test
  void arraysAreJsonArrays() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, i int[], b bigint[], t text[], n numeric[], "
        + "f boolean[], d date[])", List.of());
    query("INSERT INTO " + table + " (id, i, b, t, n, f, d) VALUES (1, ?, ?, ?, ?, ?, ?)", Arrays.asList(
        new JsonArray().add(1).add(2).addNull(),
        new JsonArray().add(9007199254740993L).add(5),
        new JsonArray().add("a").add("b c"),
        new JsonArray().add("12345678901234567890.1234567890"),
        new JsonArray().add(true).add(false),
        new JsonArray().add("2024-05-06")));
    JsonObject result = query("SELECT i, b, t, n, f, d, ARRAY[]::int[] AS e FROM " + table, List.of(), "objects");
    JsonObject row = result.getJsonArray("rows").getJsonObject(0);
    assertThat(row.getValue("i")).isEqualTo(new JsonArray().add(1).add(2).addNull());
    assertThat(row.getValue("b")).isEqualTo(new JsonArray().add("9007199254740993").add(5));
    assertThat(row.getValue("t")).isEqualTo(new JsonArray().add("a").add("b c"));
    assertThat(row.getValue("n")).isEqualTo(new JsonArray().add("12345678901234567890.1234567890"));
    assertThat(row.getValue("f")).isEqualTo(new JsonArray().add(true).add(false));
    assertThat(row.getValue("d")).isEqualTo(new JsonArray().add("2024-05-06"));
    assertThat(row.getValue("e")).isEqualTo(new JsonArray());
    JsonArray columns = result.getJsonArray("columns");
    for (int i = 0; i < columns.size(); i++) {
      assertThat(columns.getJsonObject(i).getString("type")).as(columns.encode()).isEqualTo("ARRAY");
    }
  }

  @Test
  void multiDimensionalArraysAreNestedJsonArrays() {
    JsonObject result = query("SELECT ARRAY[[1, 2], [3, 4]] AS i, ARRAY[['a', 'b'], ['c', NULL]] AS t,"
        + " ARRAY[[1.5, 2.25], [12345678901234567890.5, -1]]::numeric[] AS n, ARRAY[[[1], [2]], [[3], [4]]] AS three,"
        + " '[0:1][5:6]={{7,8},{9,10}}'::int[] AS bounds, ARRAY[[true, false]] AS b,"
        + " ARRAY[['2024-05-06T09:08:09+02:00'::timestamptz]] AS ts, ARRAY[['\\x0001'::bytea, NULL]] AS bytes,"
        + " ARRAY[1, 2] AS flat, NULL::int[] AS none, '{}'::int[] AS empty", List.of(), "objects");
    JsonObject row = result.getJsonArray("rows").getJsonObject(0);
    assertThat(row.getValue("i")).isEqualTo(new JsonArray("[[1,2],[3,4]]"));
    assertThat(row.getValue("t")).isEqualTo(new JsonArray("[[\"a\",\"b\"],[\"c\",null]]"));
    assertThat(row.getValue("n")).isEqualTo(new JsonArray("[[\"1.5\",\"2.25\"],[\"12345678901234567890.5\",\"-1\"]]"));
    assertThat(row.getValue("three")).isEqualTo(new JsonArray("[[[1],[2]],[[3],[4]]]"));
    assertThat(row.getValue("bounds")).isEqualTo(new JsonArray("[[7,8],[9,10]]"));
    assertThat(row.getValue("b")).isEqualTo(new JsonArray("[[true,false]]"));
    assertThat(row.getValue("ts")).isEqualTo(new JsonArray("[[\"2024-05-06T07:08:09Z\"]]"));
    assertThat(row.getValue("bytes")).isEqualTo(new JsonArray("[[\"AAE=\",null]]"));
    assertThat(row.getValue("flat")).isEqualTo(new JsonArray("[1,2]"));
    assertThat(row.containsKey("none")).isTrue();
    assertThat(row.getValue("none")).isNull();
    assertThat(row.getValue("empty")).isEqualTo(new JsonArray());
    assertThat(result.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("type")))
        .as("only the statement's own columns, each an array").hasSize(11).containsOnly("ARRAY");
  }

  @Test
  void aColumnMixingDimensionsKeepsEveryValue() {
    String table = arrayTable("v int[]", "(1, '{{1,2},{3,4}}'), (2, '{5,6}'), (3, NULL), (4, '{{{7}}}'), (5, '{}')");
    JsonObject body = new JsonObject().put("sql", "SELECT id, v FROM " + table + " WHERE id > ? ORDER BY id;")
        .put("params", new JsonArray().add(0)).put("format", "arrays").put("columnMetadata", true);
    GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getJsonArray("rows"))
        .isEqualTo(new JsonArray("[[1,[[1,2],[3,4]]],[2,[5,6]],[3,null],[4,[[[7]]]],[5,[]]]"));
    JsonArray columns = response.json().getJsonArray("columns");
    assertThat(columns.size()).isEqualTo(2);
    assertThat(columns.getJsonObject(1).getString("name")).isEqualTo("v");
    assertThat(columns.getJsonObject(1).getString("typeName")).isEqualTo("_int4");
    assertThat(columns.getJsonObject(1).getString("arrayBaseType")).isEqualTo("INTEGER");
  }

  /**
   * A script's last statement runs as any statement does, so its multi-dimensional arrays come back
   * whole; one before it that the driver cannot read as text (its results are dropped) is a clear 400.
   */
  @Test
  void aScriptAnswersItsLastStatementsMultiDimensionalArraysWhole() {
    assertThat(query("SELECT 1; SELECT ARRAY[1, 2] AS flat", List.of()).getJsonArray("rows"))
        .isEqualTo(new JsonArray("[[[1,2]]]"));
    assertThat(query("SELECT 1; SELECT ARRAY[[1, 2], [3, 4]] AS a, ARRAY[[true], [false]] AS b, ARRAY[['x']] AS c",
        List.of()).getJsonArray("rows"))
        .as("integers, booleans and text, which the text format misread").isEqualTo(new JsonArray("[[[[1,2],[3,4]],[[true],[false]],[[\"x\"]]]]"));
    for (String array : List.of("ARRAY[[1.5]]::numeric[]", "ARRAY[[1.5, 2]]::float8[]")) {
      assertThat(query("SELECT 1; SELECT " + array + " AS a", List.of()).getJsonArray("rows").getJsonArray(0).getJsonArray(0))
          .as(array).isNotNull();
      JsonObject body = new JsonObject().put("sql", "SELECT " + array + " AS a; SELECT 1");
      GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
      assertThat(response.status()).as(response.body()).isEqualTo(400);
      assertThat(response.json().getString("code")).isEqualTo("SQL_ERROR");
      assertThat(response.json().getString("detail")).contains("before the script's last");
    }
  }

  @Test
  void columnsKeepTheirOwnNamesWhateverTheyAre() {
    JsonObject result = query("SELECT ARRAY[[1]], ARRAY[[2]], 3 AS dbgw_c1, 4 AS \"?column?\", ARRAY[['x']] AS \"a \"\"b\"",
        List.of());
    assertThat(result.getJsonArray("rows")).isEqualTo(new JsonArray("[[[[1]],[[2]],3,4,[[\"x\"]]]]"));
    assertThat(columnNames(result)).containsExactly("array", "array", "dbgw_c1", "?column?", "a \"b");
  }

  @Test
  void aStatementWhoseTableChangedIsDescribedAgain() {
    String table = arrayTable("v int", "(1, 5)");
    String select = "SELECT * FROM " + table;
    assertThat(query(select, List.of()).getJsonArray("rows")).isEqualTo(new JsonArray("[[1,5]]"));
    query("ALTER TABLE " + table + " ALTER COLUMN v TYPE int[] USING ARRAY[[v, v]], ADD COLUMN w int[]", List.of());
    query("UPDATE " + table + " SET w = '{{1},{2}}'", List.of());
    JsonArray last = null;
    for (int run = 0; run < 4; run++) {
      GatewayUnderTest.Response response = engine().gateway().post("/v1/query",
          new JsonObject().put("sql", select).put("format", "arrays"));
      // A pooled connection that prepared the old statement reports the change once (0A000), as before.
      if (response.status() == 200) {
        last = response.json().getJsonArray("rows");
      }
    }
    assertThat(last).isEqualTo(new JsonArray("[[1,[[5,5]],[[1],[2]]]]"));
    // Described with arrays now: a change is caught before the statement runs, and it runs again at once.
    query("ALTER TABLE " + table + " RENAME COLUMN w TO w2", List.of());
    query("ALTER TABLE " + table + " ADD COLUMN x int DEFAULT 9", List.of());
    JsonObject result = query(select, List.of());
    assertThat(result.getJsonArray("rows")).isEqualTo(new JsonArray("[[1,[[5,5]],[[1],[2]],9]]"));
    assertThat(columnNames(result)).containsExactly("id", "v", "w2", "x");
  }

  @Test
  void aTableAlteredInsideTheTransactionThatReadsItFailsTheReadWithTheReason() {
    String table = arrayTable("v int[]", "(1, '{{1},{2}}')");
    String select = "SELECT * FROM " + table;
    assertThat(query(select, List.of()).getJsonArray("rows")).isEqualTo(new JsonArray("[[1,[[1],[2]]]]"));
    JsonObject body = new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "ALTER TABLE " + table + " ADD COLUMN w int"))
        .add(new JsonObject().put("sql", select)));
    GatewayUnderTest.Response response = engine().gateway().post("/v1/transaction", body);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().getInteger("statementIndex")).isEqualTo(1);
    assertThat(response.json().getString("detail")).contains("result columns may have changed");
    assertThat(query(select, List.of()).getJsonArray("rows")).as("rolled back").isEqualTo(new JsonArray("[[1,[[1],[2]]]]"));
  }

  @Test
  void multiDimensionalArraysComeBackFromReturningAndInTransactions() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v text[])", List.of());
    JsonObject inserted = query("INSERT INTO " + table + " VALUES (1, '{{a,b},{c,d}}') RETURNING v", List.of());
    assertThat(inserted.getJsonArray("rows")).isEqualTo(new JsonArray("[[[[\"a\",\"b\"],[\"c\",\"d\"]]]]"));
    JsonObject body = new JsonObject().put("statements", new JsonArray()
        .add(new JsonObject().put("sql", "UPDATE " + table + " SET v = '{{e},{f}}' WHERE id = ? RETURNING v")
            .put("params", new JsonArray().add(1)))
        .add(new JsonObject().put("sql", "SELECT v FROM " + table)));
    GatewayUnderTest.Response response = engine().gateway().post("/v1/transaction", body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonArray results = response.json().getJsonArray("results");
    for (int i = 0; i < 2; i++) {
      assertThat(results.getJsonObject(i).getJsonArray("rows").getJsonObject(0).getValue("v")).as(response.body())
          .isEqualTo(new JsonArray("[[\"e\"],[\"f\"]]"));
    }
  }

  @Test
  void aStreamNestsMultiDimensionalArraysToo() {
    String table = arrayTable("v numeric[]", "(1, '{{1.5},{2}}'), (2, NULL), (3, '{3}')");
    JsonObject request = new JsonObject().put("sql", "SELECT v FROM " + table + " ORDER BY id").put("format", "arrays");
    try (NdjsonClient client = NdjsonClient.post(engine().gateway().port(), request)) {
      assertThat(client.status()).isEqualTo(200);
      List<String> lines = client.readAll();
      assertThat(new JsonObject(lines.get(0)).getJsonArray("columns").encode()).isEqualTo("[{\"name\":\"v\",\"type\":\"ARRAY\"}]");
      assertThat(lines.subList(1, 4)).containsExactly("[[[\"1.5\"],[\"2\"]]]", "[null]", "[[\"3\"]]");
    }
  }

  @Test
  void aWithThatWritesAnswersItsMultiDimensionalArraysWholeAndWritesOnce() {
    String table = arrayTable("v int[]", "(1, '{{1,2},{3,4}}'), (2, '{5}'), (3, NULL)");
    JsonObject deleted = query("WITH d AS (DELETE FROM " + table + " WHERE id < ? RETURNING id, v) SELECT v, id FROM d ORDER BY id",
        List.of(9), "arrays");
    assertThat(deleted.getJsonArray("rows")).isEqualTo(new JsonArray("[[[[1,2],[3,4]],1],[[5],2],[null,3]]"));
    assertThat(deleted.getInteger("updated", 0)).as(deleted.encode()).isZero();
    JsonObject inserted = query("WITH n AS (SELECT '{{{7}},{{8}}}'::int[] AS v) INSERT INTO " + table
        + " SELECT 4, v FROM n RETURNING v", List.of());
    assertThat(inserted.getJsonArray("rows")).isEqualTo(new JsonArray("[[[[[7]],[[8]]]]]"));
    assertThat(query("SELECT id FROM " + table + " ORDER BY id", List.of()).getJsonArray("rows"))
        .as("each write ran once").isEqualTo(new JsonArray("[[4]]"));
    JsonObject recursive = query("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2),"
        + " u AS (UPDATE " + table + " SET v = '{{9},{9}}' WHERE id = 4 RETURNING v) (SELECT v FROM u, r ORDER BY r.n)", List.of());
    assertThat(recursive.getJsonArray("rows")).isEqualTo(new JsonArray("[[[[9],[9]]],[[[9],[9]]]]"));
  }

  /**
   * A cursor the gateway declares has its query wrapped, and FETCH reads it whole; FETCH from another
   * cursor, EXECUTE and CALL cannot be wrapped: with array columns in their result they are refused
   * before they run (the driver would read a multi-dimensional value there as null, as SQL's NULL).
   */
  @Test
  void fetchReadsTheGatewaysCursorsWholeAndWhatCannotBeWrappedIsRefusedBeforeItRuns() {
    String table = arrayTable("v int[], m text", "(1, '{{1,2},{3,4}}', 'x'), (2, NULL, NULL), (3, '{5}', 'y')");
    JsonArray fetched = transaction("DECLARE c CURSOR FOR SELECT id, v, m FROM " + table + " WHERE id > ? ORDER BY id",
        "FETCH 2 FROM c", "FETCH ALL FROM c");
    assertThat(fetched.getJsonObject(1).getJsonArray("rows")).isEqualTo(new JsonArray("[[1,[[1,2],[3,4]],\"x\"],[2,null,null]]"));
    assertThat(fetched.getJsonObject(1).getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("name")))
        .containsExactly("id", "v", "m");
    assertThat(fetched.getJsonObject(2).getJsonArray("rows")).isEqualTo(new JsonArray("[[3,[5],\"y\"]]"));

    String function = Engine.uniqueTable("opens");
    String procedure = Engine.uniqueTable("proc");
    query("CREATE FUNCTION " + function + "() RETURNS refcursor LANGUAGE plpgsql AS $$ DECLARE c refcursor := 'opened';"
        + " BEGIN OPEN c FOR SELECT id, v FROM " + table + "; RETURN c; END $$", List.of());
    query("CREATE PROCEDURE " + procedure + "(INOUT a int[], INOUT n int) LANGUAGE sql AS $$ INSERT INTO " + table
        + " VALUES (9, NULL); SELECT '{{5},{6}}'::int[], 1 $$", List.of());
    for (List<String> statements : List.of(List.of("SELECT " + function + "()", "FETCH ALL FROM opened"),
        List.of("PREPARE p AS SELECT id, v FROM " + table, "EXECUTE p"))) {
      GatewayUnderTest.Response response = engine().gateway().post("/v1/transaction", transactionBody(statements));
      assertRefused(response, "\"v\"");
      assertThat(response.json().getInteger("statementIndex")).isEqualTo(1);
    }
    assertRefused(engine().gateway().post("/v1/query", new JsonObject().put("sql", "CALL " + procedure + "(NULL, NULL)")), "\"a\"");
    assertThat(query("SELECT count(*) FROM " + table, List.of()).getJsonArray("rows"))
        .as("the procedure never ran").isEqualTo(new JsonArray("[[3]]"));
    assertThat(transaction("PREPARE p AS SELECT id, v::text FROM " + table + " WHERE id = 1", "EXECUTE p")
        .getJsonObject(1).getJsonArray("rows").getJsonArray(0).getString(1)).as("the workaround").isEqualTo("{{1,2},{3,4}}");
  }

  private JsonArray transaction(String... statements) {
    GatewayUnderTest.Response response = engine().gateway().post("/v1/transaction", transactionBody(List.of(statements)));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().getJsonArray("results");
  }

  private static JsonObject transactionBody(List<String> statements) {
    JsonArray body = new JsonArray();
    statements.forEach(sql -> body.add(new JsonObject().put("sql", sql).put("params", new JsonArray(sql.contains("?") ? List.of(0) : List.of()))));
    return new JsonObject().put("statements", body).put("format", "arrays");
  }

  private static void assertRefused(GatewayUnderTest.Response response, String column) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().getString("code")).isEqualTo("SQL_ERROR");
    assertThat(response.json().getString("detail")).as(response.body()).contains(column).contains("a::text").contains("to_json(a)");
  }

  @Test
  void arraysOfTypesTheDriverDoesNotKnowAreNestedArraysOfTheirTexts() {
    String mood = Engine.uniqueTable("mood");
    String pair = Engine.uniqueTable("pair");
    String positive = Engine.uniqueTable("positive");
    query("CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy')", List.of());
    query("CREATE TYPE " + pair + " AS (a int, b text)", List.of());
    query("CREATE DOMAIN " + positive + " AS int CHECK (VALUE > 0)", List.of());
    String table = arrayTable("m " + mood + "[], p " + pair + "[], d " + positive + "[], one " + mood,
        "(1, '{{sad,ok},{happy,NULL}}', ARRAY[[ROW(1, 'a,b')::" + pair + "], [ROW(2, NULL)::" + pair + "]], '[0:1][5:5]={{1},{2}}', 'ok'),"
            + " (2, '{happy}', ARRAY[ROW(3, 'x \"y\"')::" + pair + "], '{}', NULL), (3, NULL, NULL, NULL, NULL)");
    JsonObject result = query("SELECT m, p, d, one, '{[1,3),[5,7)}'::int4multirange AS r FROM " + table + " ORDER BY id", List.of());
    assertThat(result.getJsonArray("rows")).isEqualTo(new JsonArray("["
        + "[[[\"sad\",\"ok\"],[\"happy\",null]], [[\"(1,\\\"a,b\\\")\"],[\"(2,)\"]], [[\"1\"],[\"2\"]], \"ok\", \"{[1,3),[5,7)}\"],"
        + "[[\"happy\"], [\"(3,\\\"x \\\"\\\"y\\\"\\\"\\\")\"], [], null, \"{[1,3),[5,7)}\"],"
        + "[null, null, null, null, \"{[1,3),[5,7)}\"]]"));
    assertThat(columnNames(result)).containsExactly("m", "p", "d", "one", "r");
    assertThat(result.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("type")))
        .as("described as the driver describes them").containsOnly("OTHER");
    GatewayUnderTest.Response dataApi = engine().gateway().post("/Execute", new JsonObject()
        .put("sql", "SELECT ARRAY[['sad', 'ok'], ['happy', 'ok']]::" + mood + "[] AS m"));
    assertThat(dataApi.status()).as(dataApi.body()).isEqualTo(200);
    assertThat(dataApi.json().getJsonArray("records").getJsonArray(0).getJsonObject(0)).isEqualTo(new JsonObject(
        "{\"arrayValue\":{\"arrayValues\":[{\"stringValues\":[\"sad\",\"ok\"]},{\"stringValues\":[\"happy\",\"ok\"]}]}}"));
    JsonObject request = new JsonObject().put("sql", "SELECT m FROM " + table + " ORDER BY id").put("format", "arrays");
    try (NdjsonClient client = NdjsonClient.post(engine().gateway().port(), request)) {
      assertThat(client.status()).isEqualTo(200);
      assertThat(client.readAll().subList(1, 4))
          .containsExactly("[[[\"sad\",\"ok\"],[\"happy\",null]]]", "[[\"happy\"]]", "[null]");
    }
  }

  /**
   * A statement described before its table changed, run where the driver has not prepared it: a read
   * whose result has new array columns runs again, described anew; a write fails saying it ran.
   */
  @Test
  void aColumnThatBecameAnArrayIsNeverReadAsNull() {
    String table = arrayTable("v int", "(1, 5)");
    String select = "SELECT v FROM " + table;
    String update = "UPDATE " + table + " SET id = id RETURNING v";
    assertThat(query(select, List.of()).getJsonArray("rows")).isEqualTo(new JsonArray("[[5]]"));
    assertThat(query(update, List.of()).getJsonArray("rows")).isEqualTo(new JsonArray("[[5]]"));
    query("ALTER TABLE " + table + " ALTER COLUMN v TYPE int[] USING ARRAY[[v, v]]", List.of());
    int answered = 0;
    for (int run = 0; run < 4; run++) {
      for (String sql : List.of(select, update)) {
        GatewayUnderTest.Response response = engine().gateway().post("/v1/query",
            new JsonObject().put("sql", sql).put("format", "arrays"));
        if (response.status() == 200) {
          answered++;
          assertThat(response.json().getJsonArray("rows")).as(sql).isEqualTo(new JsonArray("[[[[5,5]]]]"));
        } else {
          // A connection that prepared the old statement reports the change (0A000); else a write says it ran.
          assertThat(response.status()).as(response.body()).isEqualTo(400);
          assertThat(sql.equals(update) && response.body().contains("the statement ran")
              || "0A000".equals(response.json().getString("sqlState"))).as(response.body()).isTrue();
        }
      }
    }
    assertThat(answered).isPositive();
    JsonObject request = new JsonObject().put("sql", "SELECT v, id FROM " + table).put("format", "arrays");
    query("ALTER TABLE " + table + " ALTER COLUMN v TYPE int USING v[1][1]", List.of());
    assertThat(query(request.getString("sql"), List.of()).getJsonArray("rows")).isEqualTo(new JsonArray("[[5,1]]"));
    query("ALTER TABLE " + table + " ALTER COLUMN v TYPE int[] USING ARRAY[[v], [v]]", List.of());
    int streamed = 0;
    for (int run = 0; run < 4; run++) {
      try (NdjsonClient client = NdjsonClient.post(engine().gateway().port(), request)) {
        List<String> lines = client.readAll();
        if (client.status() == 200 && lines.size() > 1 && !lines.get(1).contains("\"code\"")) {
          streamed++;
          assertThat(lines.get(1)).isEqualTo("[[[5],[5]],1]");
        }
      }
    }
    assertThat(streamed).isPositive();
  }

  @Test
  void theDataApiAnswersAWithThatWritesWholeAndNamesTheColumnsOfARefusal() {
    String table = arrayTable("v int[]", "(1, '{{1,2},{3,4}}')");
    GatewayUnderTest.Response updated = engine().gateway().post("/Execute", new JsonObject()
        .put("sql", "WITH u AS (UPDATE " + table + " SET v = v || '{{5,6}}' WHERE id = :id RETURNING v) SELECT v FROM u")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "id").put("value", new JsonObject().put("longValue", 1)))));
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().getJsonArray("records").getJsonArray(0).getJsonObject(0)).isEqualTo(new JsonObject(
        "{\"arrayValue\":{\"arrayValues\":[{\"longValues\":[1,2]},{\"longValues\":[3,4]},{\"longValues\":[5,6]}]}}"));
    String procedure = Engine.uniqueTable("proc");
    query("CREATE PROCEDURE " + procedure + "(INOUT a int[]) LANGUAGE sql AS $$ SELECT '{{7}}'::int[] $$", List.of());
    GatewayUnderTest.Response refused = engine().gateway().post("/Execute", new JsonObject()
        .put("sql", "CALL " + procedure + "(NULL)"));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().getString("__type")).isEqualTo("DatabaseErrorException");
    assertThat(refused.json().getString("message")).contains("\"a\"").contains("a::text");
  }

  @Test
  void anyarrayColumnsOfTheCatalogAreArraysToo() {
    String table = arrayTable("v text", "(1, 'a'), (2, 'a'), (3, 'b'), (4, 'b'), (5, 'c')");
    query("ANALYZE " + table, List.of());
    JsonObject result = query("SELECT most_common_vals AS m FROM pg_stats WHERE tablename = ? AND attname = 'v'",
        List.of(table), "arrays");
    assertThat(result.getJsonArray("rows").getJsonArray(0).getJsonArray(0)).containsExactlyInAnyOrder("a", "b");
  }

  /** Types the driver knows but reads as null in binary (the format it asks them in) come back as their text. */
  @Test
  void valuesTheDriverCannotDecodeAreTheirTexts() {
    JsonObject result = query("SELECT '08:00:2b:01:02:03'::macaddr AS m, '08:00:2b:01:02:03:04:05'::macaddr8 AS m8,"
        + " B'101'::bit(3) AS b, B'1'::varbit AS vb, '<a/>'::xml AS x, 5::oid AS o, ARRAY[[B'1'], [B'0']]::bit(1)[] AS ba,"
        + " ARRAY[5::oid] AS oa, NULL::macaddr AS none", List.of(), "objects");
    assertThat(result.getJsonArray("rows").getJsonObject(0)).isEqualTo(new JsonObject("{\"m\":\"08:00:2b:01:02:03\","
        + "\"m8\":\"08:00:2b:01:02:03:04:05\",\"b\":\"101\",\"vb\":\"1\",\"x\":\"<a/>\",\"o\":\"5\","
        + "\"ba\":[[\"1\"],[\"0\"]],\"oa\":[\"5\"],\"none\":null}"));
    assertThat(result.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("type")))
        .as("described as the driver describes them")
        .containsExactly("OTHER", "OTHER", "BIT", "OTHER", "OTHER", "OTHER", "ARRAY", "ARRAY", "OTHER");
    JsonArray body = new JsonArray().add(new JsonObject().put("sql", "DECLARE c CURSOR FOR SELECT '<a/>'::xml AS x"))
        .add(new JsonObject().put("sql", "FETCH ALL FROM c"));
    GatewayUnderTest.Response fetched = engine().gateway().post("/v1/transaction", new JsonObject().put("statements", body));
    assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
    assertThat(fetched.json().getJsonArray("results").getJsonObject(1).getJsonArray("rows").getJsonObject(0).getString("x"))
        .isEqualTo("<a/>");
  }

  /** A new table {@code (id, columns)} holding {@code rows} ({@code VALUES} text). */
  private String arrayTable(String columns, String rows) {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, " + columns + ")", List.of());
    query("INSERT INTO " + table + " VALUES " + rows, List.of());
    return table;
  }

  private static List<String> columnNames(JsonObject result) {
    return result.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("name")).toList();
  }

  @Test
  void timeWithTimeZoneIsUtcWithZ() {
    JsonObject result = query("SELECT '09:08:09+02'::timetz AS v", List.of());
    assertThat(result.getJsonArray("rows").getJsonArray(0).getValue(0)).isEqualTo("07:08:09Z");
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("TIME_WITH_TIMEZONE");
  }

  @Test
  void intervalIsAnIso8601Duration() {
    JsonObject result = query("SELECT interval '1 year 2 months 3 days 04:05:06.5' AS a, interval '0' AS b, "
        + "interval '90 minutes' AS c", List.of(), "objects");
    assertThat(result.getJsonArray("rows").getJsonObject(0))
        .isEqualTo(new JsonObject().put("a", "P1Y2M3DT4H5M6.5S").put("b", "PT0S").put("c", "PT1H30M"));
    assertThat(result.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("OTHER");
  }

  @Test
  void networkAddressesAreStrings() {
    JsonObject result = query("SELECT '192.168.1.5/24'::inet AS i, '10.0.0.0/8'::cidr AS c, '::1'::inet AS v6",
        List.of(), "objects");
    assertThat(result.getJsonArray("rows").getJsonObject(0).getString("i")).isEqualTo("192.168.1.5/24");
    assertThat(result.getJsonArray("rows").getJsonObject(0).getString("c")).isEqualTo("10.0.0.0/8");
    assertThat(result.getJsonArray("rows").getJsonObject(0).getString("v6")).startsWith("0:0:0:0:0:0:0:1");
  }

  /** The server reads it as the text of a json value, and refuses it as it would a literal. */
  @Test
  void stringThatIsNotJsonTextIsRefusedForAJsonColumn() {
    String table = table(Kind.JSON);
    JsonObject body = new JsonObject().put("sql", "INSERT INTO " + table + " (id, v) VALUES (1, ?)")
        .put("params", new JsonArray().add("{not json"));
    GatewayUnderTest.Response response = engine().gateway().post("/v1/query", body);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().getString("code")).isEqualTo("SQL_ERROR");
    assertThat(response.json().getString("sqlState")).isEqualTo("22P02");
  }

  @Test
  void stringsAreCoercedToTheTypeTheServerInferred() {
    String table = Engine.uniqueTable("types");
    query("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, b boolean, u uuid, n numeric, t timestamptz)", List.of());
    query("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)", Arrays.asList("1", "true",
        "0f8fad5b-d9cb-469f-a165-70867728950e", "0.10", "2024-05-06T07:08:09"));
    JsonObject row = query("SELECT b, u, n, t FROM " + table, List.of(), "objects").getJsonArray("rows").getJsonObject(0);
    assertThat(row).isEqualTo(new JsonObject().put("b", true).put("u", "0f8fad5b-d9cb-469f-a165-70867728950e")
        .put("n", "0.10").put("t", "2024-05-06T07:08:09Z"));
  }
}
