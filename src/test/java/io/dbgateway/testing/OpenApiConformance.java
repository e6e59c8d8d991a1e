package io.dbgateway.testing;

import io.dbgateway.tck.GatewayUnderTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Checks real answers against the gateway's OpenAPI document ({@code src/main/resources/openapi.json}):
 * the operation, the status, the content type, the declared headers and the body, whose schema is
 * validated by vertx-json-schema (draft 2020-12, the OpenAPI 3.1 dialect). Any suite can call
 * {@link #assertConforms}; {@link GatewayUnderTest} calls it on every answer it gets.
 *
 * <p>vertx-openapi's own {@code ResponseValidator} is not used: it refuses documents whose media types
 * it cannot parse, and this one has {@code application/problem+json}, {@code application/x-ndjson}
 * and Prometheus text. Its OpenAPI 3.1 meta-schema checks the document itself ({@link #documentErrors}).
 */
public final class OpenApiConformance {

  /** Where the document is served; also the base URI its {@code $ref}s resolve against. */
  public static final String PATH = "/openapi.json";
  private static final String BASE_URI = "https://dbgateway.invalid" + PATH;
  /**
   * Media-type extension: the schemas of a newline-delimited JSON body's {@code first} line, of
   * {@code each} line between, and of its {@code last} line (OpenAPI 3.1 has no field for them).
   */
  private static final String LINES = "x-ndjson-lines";
  private static final Object NOT_JSON = new Object();
  /** The OpenAPI 3.1 Schema Object dialect: JSON Schema 2020-12 plus the OpenAPI vocabulary. */
  private static final String DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base";

  /**
   * Operations documented from the contract and still being built on other branches: their answers
   * are not checked yet. Each leaves this list when it lands; the route test fails while a routed
   * operation is still listed.
   */
  public static final Set<String> NOT_YET_ROUTED = Set.of();

  private static OpenApiConformance instance;

  private final JsonObject document;
  private final JsonObject annotated;
  private final SchemaRepository repository;
  private final List<String> documentErrors;

  private OpenApiConformance(JsonObject document) {
    this.document = document;
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIVersion version = OpenAPIVersion.fromContract(document);
      repository = version.getRepository(vertx, BASE_URI).await(60, TimeUnit.SECONDS);
      documentErrors = new ArrayList<>(errors(version.validateContract(vertx, repository, document)
          .await(60, TimeUnit.SECONDS)));
      schemaErrors(document, "", documentErrors);
      // Dereferencing annotates every schema in place with its absolute URI, so any schema reached in
      // this copy can be validated with its $refs resolved.
      annotated = document.copy();
      repository.dereference(BASE_URI, JsonSchema.of(annotated));
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the OpenAPI document: " + e.getMessage(), e);
    } finally {
      vertx.close();
    }
  }

  /** The document shipped in the gateway's resources, loaded once. */
  public static synchronized OpenApiConformance get() {
    if (instance == null) {
      instance = new OpenApiConformance(resource());
    }
    return instance;
  }

  /**
   * Holds every Schema Object to the OpenAPI 3.1 dialect. The document's own meta-schema leaves them
   * to a dynamic reference that this validator does not follow, so they are checked one by one.
   */
  private void schemaErrors(Object node, String pointer, List<String> errors) {
    if (node instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        Object child = object.getValue(key);
        String at = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
        boolean schema = key.equals("schema") || pointer.equals("/components/schemas") || pointer.endsWith("/" + LINES);
        if (schema && child instanceof JsonObject) {
          errors(repository.validator(DIALECT).validate(child)).forEach(error -> errors.add(at + ": " + error));
        }
        schemaErrors(child, at, errors);
      }
    } else if (node instanceof io.vertx.core.json.JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        schemaErrors(array.getValue(i), pointer + "/" + i, errors);
      }
    }
  }

  /** The raw document, as the gateway serves it. */
  public static JsonObject resource() {
    try (InputStream in = OpenApiConformance.class.getResourceAsStream(PATH)) {
      if (in == null) {
        throw new IllegalStateException(PATH + " is not on the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonObject document() {
    return document.copy();
  }

  /** Where the document breaks the OpenAPI 3.1 schema; empty when it is a valid 3.1 document. */
  public List<String> documentErrors() {
    return List.copyOf(documentErrors);
  }

  /** Whether the document has an operation for this method and concrete path, served already. */
  public boolean documents(String method, String path) {
    return operation(method, path).filter(op -> !NOT_YET_ROUTED.contains(method + " " + op.template())).isPresent();
  }

  /** Fails unless {@code response} to {@code method path} is what the document says it may be. */
  public void assertConforms(String method, String path, GatewayUnderTest.Response response) {
    report(method, path, response.status(), violations(method, path, response.status(),
        response.header("content-type"), response.headers(), response.body()));
  }

  /** Fails unless this answer, without headers, is what the document says it may be. */
  public void assertConforms(String method, String path, int status, String contentType, String body) {
    report(method, path, status, violations(method, path, status, contentType, Map.of(), body));
  }

  private static void report(String method, String path, int status, List<String> violations) {
    if (!violations.isEmpty()) {
      throw new AssertionError("the answer " + status + " to " + method + " " + path + " does not conform to "
          + PATH + ":\n  " + String.join("\n  ", violations));
    }
  }

  /**
   * Everything in an answer that the document does not allow; empty when it conforms.
   *
   * @param headers the answer's headers (names in any case)
   */
  public List<String> violations(String method, String path, int status, String contentType,
      Map<String, String> headers, String body) {
    Optional<Operation> operation = operation(method, path);
    if (operation.isEmpty()) {
      return List.of("no operation " + method + " " + path + " is documented");
    }
    JsonObject responses = operation.get().pointer().value().getJsonObject("responses");
    String key = responses.containsKey(Integer.toString(status)) ? Integer.toString(status)
        : responses.containsKey(status / 100 + "XX") ? status / 100 + "XX" : "default";
    if (!responses.containsKey(key)) {
      return List.of("status " + status + " is not documented; documented: " + responses.fieldNames());
    }
    JsonPointer response = follow(operation.get().pointer().child("responses").child(key));
    List<String> violations = new ArrayList<>();
    checkHeaders(response, headers, violations);
    checkBody(response, contentType, body, violations);
    return violations;
  }

  private void checkHeaders(JsonPointer response, Map<String, String> headers, List<String> violations) {
    Map<String, String> actual = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    actual.putAll(headers);
    JsonObject declared = response.value().getJsonObject("headers", new JsonObject());
    for (String name : declared.fieldNames()) {
      JsonPointer header = follow(response.child("headers").child(name));
      String value = actual.get(name);
      if (value == null) {
        if (header.value().getBoolean("required", false)) {
          violations.add("the required header " + name + " is missing");
        }
        continue;
      }
      JsonObject schema = header.value().getJsonObject("schema");
      Object typed = "integer".equals(schema.getValue("type")) ? integerOrText(value) : value;
      validate(header.child("schema"), typed, "header " + name, violations);
    }
  }

  private void checkBody(JsonPointer response, String contentType, String body, List<String> violations) {
    JsonObject content = response.value().getJsonObject("content");
    if (content == null) {
      if (body != null && !body.isEmpty()) {
        violations.add("a body is not documented for this answer");
      }
      return;
    }
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!content.containsKey(mediaType)) {
      violations.add("content type '" + contentType + "' is not documented; documented: " + content.fieldNames());
      return;
    }
    JsonPointer media = response.child("content").child(mediaType);
    if (body == null || body.isEmpty()) {
      violations.add("the body is empty");
      return;
    }
    boolean json = mediaType.equals("application/json") || mediaType.endsWith("+json");
    validate(media.child("schema"), json ? decode(body, "the body", violations) : body, "the body", violations);
    if (media.value().containsKey(LINES)) {
      checkLines(media.child(LINES), body.split("\n"), violations);
    }
  }

  /** A newline-delimited body: its first line, each line between, and its last line, each with its schema. */
  private void checkLines(JsonPointer schemas, String[] lines, List<String> violations) {
    if (lines.length < 2) {
      violations.add("the stream has " + lines.length + " line(s); it needs at least its first and its last");
      return;
    }
    for (int i = 0; i < lines.length; i++) {
      String place = i == 0 ? "first" : i == lines.length - 1 ? "last" : "each";
      String where = "line " + (i + 1);
      validate(schemas.child(place), decode(lines[i], where, violations), where, violations);
    }
  }

  private static Object decode(String text, String where, List<String> violations) {
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      violations.add(where + " is not JSON: " + e.getMessage());
      return NOT_JSON;
    }
  }

  private void validate(JsonPointer schema, Object value, String what, List<String> violations) {
    if (value == NOT_JSON) {
      return;
    }
    JsonObject annotatedSchema = JsonPointer.of(annotated, schema.pointer()).value();
    List<String> errors = errors(repository.validator(JsonSchema.of(annotatedSchema)).validate(value));
    errors.forEach(error -> violations.add(what + " (schema " + schema.pointer() + "): " + error));
  }

  private static List<String> errors(OutputUnit result) {
    if (Boolean.TRUE.equals(result.getValid())) {
      return List.of();
    }
    List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    return units.stream().map(unit -> unit.getInstanceLocation() + ": " + unit.getError()
        + " [" + unit.getKeywordLocation() + "]").toList();
  }

  private static Object integerOrText(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return value;
    }
  }

  /** A documented operation: its path template and where it is in the document. */
  private record Operation(String template, JsonPointer pointer) {}

  /** The operation that serves {@code method path}: concrete paths before templated ones. */
  private Optional<Operation> operation(String method, String path) {
    JsonObject paths = document.getJsonObject("paths");
    String template = paths.containsKey(path) ? path
        : paths.fieldNames().stream().filter(t -> t.contains("{") && matches(t, path)).findFirst().orElse(null);
    if (template == null) {
      return Optional.empty();
    }
    JsonPointer operation = JsonPointer.of(document, "").child("paths").child(template).child(method.toLowerCase(Locale.ROOT));
    return operation.exists() ? Optional.of(new Operation(template, operation)) : Optional.empty();
  }

  private static boolean matches(String template, String path) {
    String[] expected = template.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      boolean parameter = expected[i].startsWith("{") && expected[i].endsWith("}") && !actual[i].isEmpty();
      if (!parameter && !expected[i].equals(actual[i])) {
        return false;
      }
    }
    return true;
  }

  /** Follows a {@code $ref} to a component (responses and headers may be references). */
  private JsonPointer follow(JsonPointer at) {
    String ref = at.value().getString("$ref");
    return ref == null ? at : JsonPointer.of(document, ref.substring(1));
  }

  /** A place in the document, by its RFC 6901 pointer. */
  private record JsonPointer(JsonObject root, String pointer) {

    static JsonPointer of(JsonObject root, String pointer) {
      return new JsonPointer(root, pointer);
    }

    JsonPointer child(String name) {
      return new JsonPointer(root, pointer + "/" + name.replace("~", "~0").replace("/", "~1"));
    }

    boolean exists() {
      return resolve() != null;
    }

    JsonObject value() {
      Object value = resolve();
      if (!(value instanceof JsonObject object)) {
        throw new IllegalStateException(PATH + " has no object at " + pointer);
      }
      return object;
    }

    private Object resolve() {
      Object at = root;
      for (String token : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1)) {
        if (!(at instanceof JsonObject object)) {
          return null;
        }
        at = object.getValue(token.replace("~1", "/").replace("~0", "~"));
      }
      return at;
    }
  }
}
