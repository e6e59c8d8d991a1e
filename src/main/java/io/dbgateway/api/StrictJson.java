package io.dbgateway.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request's JSON so that one body means one thing: an object that names a member twice
 * ({@code {"sql": "SELECT 1", "sql": "DROP TABLE t"}}) is refused, at any depth, rather than the last
 * one winning while a filter in front of the gateway may read the first. Otherwise as Vert.x reads JSON
 * (comments allowed, numbers as Jackson gives them), into the same maps and lists, in one pass.
 */
public final class StrictJson {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .build();

  private StrictJson() {}

  /**
   * The JSON object in {@code json}.
   *
   * @throws GatewayException 400 when it is not JSON, not one object, or repeats a member name
   */
  public static JsonObject object(Buffer json) {
    try (JsonParser parser = FACTORY.createParser(json.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw GatewayException.badRequest("the body must be a JSON object");
      }
      Map<String, Object> object = object(parser, "");
      if (parser.nextToken() != null) {
        throw GatewayException.badRequest("the body is not a JSON object: text follows the object");
      }
      return new JsonObject(object);
    } catch (IOException e) {
      throw GatewayException.badRequest("the body is not a JSON object: malformed JSON");
    }
  }

  private static Map<String, Object> object(JsonParser parser, String path) throws IOException {
    Map<String, Object> object = new LinkedHashMap<>();
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      parser.nextToken();
      String at = path.isEmpty() ? name : path + "." + name;
      if (object.containsKey(name)) {
        throw GatewayException.badRequest("the member \"" + at + "\" appears twice in one object: a request body"
            + " must name each member once");
      }
      object.put(name, value(parser, at));
    }
    return object;
  }

  private static Object value(JsonParser parser, String path) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IOException("unexpected end");
    }
    return switch (token) {
      case START_OBJECT -> object(parser, path);
      case START_ARRAY -> array(parser, path);
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + token);
    };
  }

  private static List<Object> array(JsonParser parser, String path) throws IOException {
    List<Object> array = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      array.add(value(parser, path + "[" + array.size() + "]"));
    }
    return array;
  }
}
