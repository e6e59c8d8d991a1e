package io.dbgateway.hostile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates bad requests for every endpoint from a fixed seed: truncated and deeply nested JSON,
 * invalid UTF-8 and NUL bytes, huge numbers, wrong parameter types and counts, unknown fields,
 * oversized bodies and SQL-injection payloads. Each knows the statuses it may get.
 */
final class HostileCorpus {

  /** An endpoint that takes a JSON body, with a valid body to mutate. */
  record Endpoint(String path, JsonObject valid, Function<Object, JsonObject> withParams) {}

  static final List<String> INJECTIONS = List.of(
      "' OR '1'='1", "' OR 1=1 --", "1; DROP TABLE %s", "'; DROP TABLE %s; --", "1' UNION SELECT NULL --",
      "\\'; DELETE FROM %s; --", "%s'); DELETE FROM %s; --", "$$; DROP TABLE %s; $$", "1 OR 1=1", "admin'--",
      "' AND SLEEP(5) --", "'; SELECT pg_sleep(5); --", "\"; UPDATE %s SET name = 'pwned'; --",
      "*/ DELETE FROM %s /*", "1e999", "?", ":id", "$1", "\\x00'", "%' OR name LIKE '%");

  private static final byte[][] INVALID_UTF8 = {
      {(byte) 0xC3, 0x28}, {(byte) 0xA0, (byte) 0xA1}, {(byte) 0xE2, 0x28, (byte) 0xA1},
      {(byte) 0xF0, 0x28, (byte) 0x8C, (byte) 0xBC}, {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};

  private final Random random;
  private final String table;
  private final int maxBodyBytes;
  private final List<Endpoint> endpoints;

  HostileCorpus(long seed, String table, int maxBodyBytes) {
    this.random = new Random(seed);
    this.table = table;
    this.maxBodyBytes = maxBodyBytes;
    String select = "SELECT id, name FROM " + table + " WHERE id = ?";
    String update = "UPDATE " + table + " SET name = ? WHERE id = -1";
    this.endpoints = List.of(
        new Endpoint("/v1/query", new JsonObject().put("sql", select).put("params", new JsonArray().add(1)),
            params -> new JsonObject().put("sql", select).put("params", params)),
        new Endpoint("/v1/batch", new JsonObject().put("sql", update).put("params", new JsonArray().add(new JsonArray().add("x"))),
            params -> new JsonObject().put("sql", update).put("params", new JsonArray().add(params))),
        new Endpoint("/v1/transaction", new JsonObject().put("statements", new JsonArray()
            .add(new JsonObject().put("sql", select).put("params", new JsonArray().add(1)))),
            params -> new JsonObject().put("statements", new JsonArray()
                .add(new JsonObject().put("sql", select).put("params", params)))));
  }

  List<HostileRequest> generate() {
    List<HostileRequest> all = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      truncated(endpoint, all);
      deeplyNested(endpoint, all);
      invalidUtf8AndNul(endpoint, all);
      hugeNumbers(endpoint, all);
      wrongParams(endpoint, all);
      unknownFields(endpoint, all);
      oversized(endpoint, all);
      injections(endpoint, all);
      notAnObject(endpoint, all);
    }
    beginTransaction(all);
    endTransaction(all);
    namedQuery(all);
    dataApi(all);
    return all;
  }

  /** Data API envelopes of the wrong shape: each is a BadRequestException (problem+json with __type). */
  private void dataApi(List<HostileRequest> out) {
    String arn = "arn:aws:rds:us-east-1:123456789012:cluster:gateway";
    JsonObject base = new JsonObject().put("resourceArn", arn).put("secretArn", arn + ":secret");
    JsonObject execute = base.copy().put("sql", "SELECT id, name FROM " + table + " WHERE id = :id")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "id").put("value", new JsonObject().put("longValue", 1))));
    String valid = execute.encode();
    for (int i = 0; i < 10; i++) {
      out.add(HostileRequest.post("truncated", "/Execute", valid.substring(0, 1 + random.nextInt(valid.length() - 1)), 400));
    }
    for (byte[] bad : INVALID_UTF8) {
      out.add(HostileRequest.post("utf8", "/Execute", splice(valid, valid.indexOf("SELECT") + 2, bad), 400));
    }
    out.add(HostileRequest.post("nested", "/Execute", "[".repeat(3_000) + "]".repeat(3_000), 400));
    out.add(HostileRequest.post("nested", "/Execute",
        execute.copy().put("parameters", "__p__").encode().replace("\"__p__\"", "[".repeat(3_000)), 400));
    out.add(HostileRequest.post("oversized", "/Execute",
        execute.copy().put("sql", "SELECT '" + "x".repeat(maxBodyBytes) + "'").encode(), 413));
    List<Object> wrongParameters = List.of("id", 1, new JsonObject(), new JsonArray().add("id"),
        new JsonArray().add(new JsonObject().put("value", new JsonObject().put("longValue", 1))),
        new JsonArray().add(new JsonObject().put("name", 7).put("value", new JsonObject().put("longValue", 1))),
        new JsonArray().add(new JsonObject().put("name", "id")),
        new JsonArray().add(new JsonObject().put("name", "id").put("value", "1")));
    for (Object parameters : wrongParameters) {
      out.add(HostileRequest.post("dataapi-shape", "/Execute", execute.copy().put("parameters", parameters).encode(), 400));
    }
    List<JsonObject> wrongFields = List.of(new JsonObject(), new JsonObject().put("intValue", 1),
        new JsonObject().put("longValue", 1).put("stringValue", "1"), new JsonObject().put("longValue", "1"),
        new JsonObject().put("longValue", 1.5), new JsonObject().put("doubleValue", "x"),
        new JsonObject().put("booleanValue", "true"), new JsonObject().put("isNull", "yes"),
        new JsonObject().put("blobValue", "***not base64***"), new JsonObject().put("blobValue", 12),
        new JsonObject().put("stringValue", new JsonArray()), new JsonObject().put("arrayValue", "1,2"),
        new JsonObject().put("arrayValue", new JsonObject().put("longValues", "1")));
    for (JsonObject field : wrongFields) {
      JsonArray parameters = new JsonArray().add(new JsonObject().put("name", "id").put("value", field));
      out.add(HostileRequest.post("dataapi-field", "/Execute", execute.copy().put("parameters", parameters).encode(), 400));
    }
    for (String[] hinted : new String[][] {{"DECIMAL", "twelve"}, {"TIMESTAMP", "yesterday"}, {"DATE", "2024-02-30"},
        {"TIME", "25:61:00"}, {"UUID", "not-a-uuid"}, {"JSON", "{unclosed"}, {"BIGINT", "1"}, {"decimal", "1"}}) {
      JsonArray parameters = new JsonArray().add(new JsonObject().put("name", "id").put("typeHint", hinted[0])
          .put("value", new JsonObject().put("stringValue", hinted[1])));
      out.add(HostileRequest.post("dataapi-typehint", "/Execute", execute.copy().put("parameters", parameters).encode(), 400));
    }
    for (Object[] member : new Object[][] {{"sql", null}, {"sql", 42}, {"sql", ""}, {"includeResultMetadata", "true"},
        {"formatRecordsAs", "XML"}, {"formatRecordsAs", 1}, {"resultSetOptions", "LONG"}, {"transactionId", 42},
        {"parameters", null}}) {
      JsonObject body = execute.copy();
      if (member[1] == null) {
        body.remove((String) member[0]);
        if (!member[0].equals("sql")) {
          continue;
        }
      } else {
        body.put((String) member[0], member[1]);
      }
      out.add(HostileRequest.post("dataapi-shape", "/Execute", body.encode(), 400));
    }
    for (String injection : INJECTIONS) {
      JsonArray parameters = new JsonArray().add(new JsonObject().put("name", "id")
          .put("value", new JsonObject().put("stringValue", injection.replace("%s", table))));
      out.add(HostileRequest.post("injection", "/Execute", execute.copy().put("parameters", parameters).encode(), 200, 400));
    }
    // BatchExecute: parameterSets must be a list of lists of parameters.
    JsonObject batch = base.copy().put("sql", "UPDATE " + table + " SET name = :name WHERE id = -1");
    for (Object sets : List.of("x", 1, new JsonObject(), new JsonArray().add("x"), new JsonArray().add(new JsonObject()),
        new JsonArray().add(new JsonArray().add(new JsonObject().put("name", "name"))),
        new JsonArray().add(new JsonArray().add(new JsonObject().put("name", "name").put("value", new JsonObject().put("longValue", "x")))))) {
      out.add(HostileRequest.post("dataapi-shape", "/BatchExecute", batch.copy().put("parameterSets", sets).encode(), 400));
    }
    // Transactions: ids that were never issued, of the right and the wrong type.
    for (String path : List.of("/CommitTransaction", "/RollbackTransaction")) {
      out.add(HostileRequest.post("dataapi-shape", path, base.encode(), 400));
      out.add(HostileRequest.post("dataapi-shape", path, base.copy().put("transactionId", 42).encode(), 400));
      out.add(HostileRequest.post("unknown-tx", path, base.copy().put("transactionId", "no-such-tx").encode(), 400, 404));
      out.add(HostileRequest.post("truncated", path, "{\"transactionId\": \"", 400));
    }
    out.add(HostileRequest.post("unknown-tx", "/Execute", execute.copy().put("transactionId", "no-such-tx").encode(), 400, 404));
    for (String body : List.of("[]", "null", "{\"database\": 7}", "{\"resourceArn\": []}")) {
      out.add(HostileRequest.post("dataapi-shape", "/BeginTransaction", body, 400));
    }
  }

  /** Begin takes an optional body of options: every bad one is refused before a transaction opens. */
  private void beginTransaction(List<HostileRequest> out) {
    String path = "/v1/transactions";
    String valid = new JsonObject().put("readOnly", true).put("consistency", "strong").encode();
    for (int i = 0; i < 8; i++) {
      out.add(HostileRequest.post("truncated", path, valid.substring(0, 1 + random.nextInt(valid.length() - 1)), 400));
    }
    for (String body : List.of("[]", "null", "42", "\"begin\"", "{\"readOnly\": \"yes\"}", "{\"readOnly\": 1}",
        "{\"consistency\": \"linearizable\"}", "{\"consistency\": 7}", "{\"sql\": \"BEGIN\"}",
        "{\"txId\": \"mine\"}", "{\"idempotencyKey\": \"k\"}", "{\"readOnly\": true, \"readOnly\": false, \"x\": 1}",
        "[".repeat(5_000), "{\"readOnly\": " + "[".repeat(2_000) + "}")) {
      out.add(HostileRequest.post("shape", path, body, 400));
    }
    for (byte[] bad : INVALID_UTF8) {
      out.add(HostileRequest.post("utf8", path, splice(valid, 3, bad), 400));
    }
    out.add(HostileRequest.post("oversized", path, "{\"readOnly\": \"" + "x".repeat(maxBodyBytes + 1) + "\"}", 413));
  }

  /** Commit and rollback of ids that were never issued, however they are spelt. */
  private void endTransaction(List<HostileRequest> out) {
    List<String> ids = new ArrayList<>(List.of("0", "00000000000000000000000000000000", "null", "undefined",
        "..%2F..%2Fetc%2Fpasswd", "%00", "%27%20OR%20%271%27%3D%271", "%F0%9F%98%80", "x".repeat(2_000),
        "%C3%28", "tx;DROP%20TABLE%20" + table));
    for (int i = 0; i < 6; i++) {
      ids.add(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
    }
    for (String id : ids) {
      for (String end : List.of("commit", "rollback")) {
        out.add(new HostileRequest("unknown-tx", "POST", "/v1/transactions/" + id + "/" + end, HostileRequest.JSON,
            null, java.util.Set.of(400, 404)));
      }
    }
    // A txId on a query names a transaction too: unknown ones are 404, wrong types 400.
    JsonObject query = new JsonObject().put("sql", "SELECT id FROM " + table);
    out.add(HostileRequest.post("unknown-tx", "/v1/query", query.copy().put("txId", "no-such-tx").encode(), 404));
    out.add(HostileRequest.post("unknown-tx", "/v1/query", query.copy().put("txId", 42).encode(), 400));
    out.add(HostileRequest.post("unknown-tx", "/v1/batch", new JsonObject().put("sql", "UPDATE " + table
        + " SET name = ? WHERE id = 1").put("params", new JsonArray().add(new JsonArray().add("pwned")))
        .put("txId", "no-such-tx").encode(), 404));
  }

  /** Named queries: unknown names, and bad bodies for a real one. */
  private void namedQuery(List<HostileRequest> out) {
    for (String name : List.of("nope", "users.by_email.x", "..%2Fusers", "%00", "users%2Eby_email%00",
        "x".repeat(1_000), "%27%20OR%201%3D1")) {
      out.add(HostileRequest.post("unknown-name", "/v1/queries/" + name, "{\"params\": {}}", 400, 404));
    }
    String path = "/v1/queries/users.by_email";
    JsonObject valid = new JsonObject().put("params", new JsonObject().put("email", "a@example.org"));
    String text = valid.encode();
    for (int i = 0; i < 6; i++) {
      out.add(HostileRequest.post("truncated", path, text.substring(0, 1 + random.nextInt(text.length() - 1)), 400));
    }
    for (String body : List.of("[]", "42", "{\"params\": \"a@example.org\"}", "{\"params\": {}}",
        "{\"params\": [\"a@example.org\"]}", "{\"sql\": \"DELETE FROM " + table + "\"}",
        "{\"readOnly\": false, \"params\": {\"email\": \"x\"}}", "{\"name\": \"users.set_active\"}",
        "{\"params\": {\"email\": \"x\"}, \"maxRows\": -1}", "{\"params\": {\"email\": \"x\"}, \"zzz\": 1}")) {
      out.add(HostileRequest.post("shape", path, body, 400));
    }
    for (String template : INJECTIONS) {
      JsonObject params = new JsonObject().put("email", template.replace("%s", table));
      out.add(HostileRequest.post("injection", path, new JsonObject().put("params", params).encode(), 200));
    }
  }

  private void truncated(Endpoint endpoint, List<HostileRequest> out) {
    String valid = endpoint.valid().encode();
    for (int i = 0; i < 12; i++) {
      int cut = 1 + random.nextInt(valid.length() - 1);
      out.add(HostileRequest.post("truncated", endpoint.path(), valid.substring(0, cut), 400));
    }
    out.add(HostileRequest.post("truncated", endpoint.path(), "{", 400));
    out.add(HostileRequest.post("truncated", endpoint.path(), "{\"sql\": \"SELECT 1", 400));
  }

  private void deeplyNested(Endpoint endpoint, List<HostileRequest> out) {
    for (int depth : new int[] {1_001, 2_000 + random.nextInt(1_000), 10_000, 100_000}) {
      String arrays = "[".repeat(depth) + "]".repeat(depth);
      String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      out.add(HostileRequest.post("nested", endpoint.path(), arrays, 400));
      out.add(HostileRequest.post("nested", endpoint.path(), objects, 400));
      out.add(HostileRequest.post("nested", endpoint.path(), withRawParams(endpoint, arrays), 400));
      out.add(HostileRequest.post("nested", endpoint.path(), withRawParams(endpoint, "[" + objects + "]"), 400));
    }
    // Unbalanced nesting: never closed.
    out.add(HostileRequest.post("nested", endpoint.path(), "[".repeat(50_000), 400));
  }

  /** The endpoint's body with its params replaced by raw JSON text, which may be invalid. */
  private String withRawParams(Endpoint endpoint, String rawParams) {
    String marker = "\"__params__\"";
    return endpoint.withParams().apply("__params__").encode().replace(marker, rawParams);
  }

  private void invalidUtf8AndNul(Endpoint endpoint, List<HostileRequest> out) {
    String valid = endpoint.valid().encode();
    int inSql = valid.indexOf("SELECT") >= 0 ? valid.indexOf("SELECT") + 3 : valid.indexOf("UPDATE") + 3;
    for (byte[] bad : INVALID_UTF8) {
      out.add(HostileRequest.post("utf8", endpoint.path(), splice(valid, inSql, bad), 400));
      out.add(HostileRequest.post("utf8", endpoint.path(), splice(valid, 1, bad), 400));
    }
    // A raw NUL or control byte inside a JSON string is invalid JSON.
    out.add(HostileRequest.post("nul", endpoint.path(), splice(valid, inSql, new byte[] {0}), 400));
    out.add(HostileRequest.post("nul", endpoint.path(), splice(valid, inSql, new byte[] {0x07}), 400));
    // An escaped NUL in the SQL text: no engine accepts it as SQL, and it must not break the connection.
    out.add(HostileRequest.post("nul", endpoint.path(), valid.replace("SELECT", "SEL\\u0000ECT").replace("UPDATE", "UPD\\u0000ATE"), 400));
    // An escaped NUL in a parameter is data: some engines store it, others refuse it.
    out.add(HostileRequest.post("nul", endpoint.path(),
        endpoint.withParams().apply(new JsonArray().add("a\u0000b")).encode(), 200, 400));
    // A lone surrogate escape decodes to a string the database may refuse.
    out.add(HostileRequest.post("utf8", endpoint.path(),
        withRawParams(endpoint, "[\"\\ud800\"]"), 200, 400));
  }

  private static byte[] splice(String text, int at, byte[] bytes) {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(raw, 0, at);
    out.writeBytes(bytes);
    out.write(raw, at, raw.length - at);
    return out.toByteArray();
  }

  private void hugeNumbers(Endpoint endpoint, List<HostileRequest> out) {
    List<String> huge = List.of("1e400", "-1e400", "99999999999999999999999999999", "-99999999999999999999999999999",
        "1" + "0".repeat(5_000), "1.5", "-1", "0.0000000000000000000000001", "9223372036854775808", "NaN", "Infinity");
    JsonObject valid = endpoint.valid();
    for (String number : huge) {
      for (String field : List.of("maxRows", "timeoutMs")) {
        String body = valid.copy().put(field, "__n__").encode().replace("\"__n__\"", number);
        out.add(HostileRequest.post("huge-number", endpoint.path(), body, 400));
      }
    }
    // As parameter values they are data: bound, compared, or refused by the database; never a 5xx.
    for (String number : List.of("1e400", "99999999999999999999999999999", "1" + "0".repeat(400), "-1e308", "4.9e-324",
        "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890.123456789")) {
      out.add(HostileRequest.post("huge-number", endpoint.path(), withRawParams(endpoint, "[" + number + "]"), 200, 400));
    }
  }

  private void wrongParams(Endpoint endpoint, List<HostileRequest> out) {
    boolean batch = endpoint.path().endsWith("/batch");
    // Not an array or an object.
    for (String params : List.of("\"1\"", "1", "true", "false")) {
      String body = batch ? endpoint.valid().copy().put("params", "__p__").encode().replace("\"__p__\"", params)
          : withRawParams(endpoint, params);
      out.add(HostileRequest.post("param-type", endpoint.path(), body, 400));
    }
    // Counts that do not match the placeholders.
    out.add(HostileRequest.post("param-count", endpoint.path(), endpoint.withParams().apply(new JsonArray()).encode(), 400));
    out.add(HostileRequest.post("param-count", endpoint.path(),
        endpoint.withParams().apply(new JsonArray().add(1).add(2)).encode(), 400));
    out.add(HostileRequest.post("param-count", endpoint.path(),
        endpoint.withParams().apply(new JsonArray().add(1).add(2).add(3).add(4).add(5)).encode(), 400));
    // Named values for positional placeholders.
    out.add(HostileRequest.post("param-type", endpoint.path(),
        endpoint.withParams().apply(new JsonObject().put("id", 1)).encode(), 400));
    // Too many parameters for any statement.
    JsonArray many = new JsonArray();
    for (int i = 0; i < 70_000; i++) {
      many.add(i);
    }
    out.add(HostileRequest.post("param-count", endpoint.path(), endpoint.withParams().apply(many).encode(), 400));
    // Values of a type the column cannot take: the database refuses them, or compares them as data.
    for (Object value : List.of(new JsonObject().put("a", 1), new JsonArray().add(1).add(2), "not-a-number", true, 1.5)) {
      out.add(HostileRequest.post("param-type", endpoint.path(),
          endpoint.withParams().apply(new JsonArray().add(value)).encode(), 200, 400));
    }
  }

  private void unknownFields(Endpoint endpoint, List<HostileRequest> out) {
    List<String> names = new ArrayList<>(List.of("__proto__", "constructor", "SQL", "sql ", "", "params\u0000",
        "x".repeat(10_000), "statement", "query", "password"));
    for (int i = 0; i < 4; i++) {
      names.add("f" + Long.toHexString(random.nextLong()));
    }
    for (String name : names) {
      out.add(HostileRequest.post("unknown-field", endpoint.path(), endpoint.valid().copy().put(name, 1).encode(), 400));
    }
  }

  private void oversized(Endpoint endpoint, List<HostileRequest> out) {
    for (int size : new int[] {maxBodyBytes + 1, maxBodyBytes * 2, maxBodyBytes * 8}) {
      String padding = "x".repeat(size);
      out.add(HostileRequest.post("oversized", endpoint.path(),
          endpoint.valid().copy().put("sql", "SELECT '" + padding + "'").encode(), 413));
    }
  }

  private void injections(Endpoint endpoint, List<HostileRequest> out) {
    for (String template : INJECTIONS) {
      String payload = template.replace("%s", table);
      // Bound as a parameter, a payload is only data: compared with a column, it matches nothing.
      out.add(HostileRequest.post("injection", endpoint.path(),
          endpoint.withParams().apply(new JsonArray().add(payload)).encode(), 200, 400));
    }
  }

  private void notAnObject(Endpoint endpoint, List<HostileRequest> out) {
    for (String body : List.of("", " ", "null", "[]", "\"SELECT 1\"", "42", "true", "{}", "{\"sql\": null}",
        "{\"sql\": 42}", "{\"sql\": [\"SELECT 1\"]}", "{\"sql\": \"   \"}", "{\"statements\": {}}",
        "{\"sql\": \"SELECT 1\", \"params\": [1]} trailing")) {
      out.add(HostileRequest.post("shape", endpoint.path(), body, 400));
    }
    out.add(new HostileRequest("method", "GET", endpoint.path(), java.util.Map.of(), null, java.util.Set.of(404, 405)));
    out.add(new HostileRequest("method", "PUT", endpoint.path(), HostileRequest.JSON,
        endpoint.valid().encode().getBytes(StandardCharsets.UTF_8), java.util.Set.of(404, 405)));
  }
}
