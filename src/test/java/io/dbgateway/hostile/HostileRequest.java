package io.dbgateway.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * One hostile request and the statuses it may get. A 4xx must be problem+json; 200 is allowed only
 * where the input is harmless data (an injection payload bound as a parameter), and never changes the
 * database.
 */
record HostileRequest(String category, String method, String path, Map<String, String> headers, byte[] body,
    Set<Integer> expected) {

  static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  static HostileRequest post(String category, String path, byte[] body, Integer... expected) {
    return new HostileRequest(category, "POST", path, JSON, body, Set.of(expected));
  }

  static HostileRequest post(String category, String path, String body, Integer... expected) {
    return post(category, path, body.getBytes(StandardCharsets.UTF_8), expected);
  }

  /** What a failure message shows of the request: never the whole of a huge body. */
  String describe() {
    String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    return category + " " + method + " " + path + " " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
  }
}
