package io.dbgateway.idempotency;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;

/**
 * A client's idempotency key with a fingerprint of the request it came with, so the same key with a
 * different body is recognised.
 *
 * @param scope the API key id of the caller that sent it ({@code anonymous} for every anonymous caller):
 *     a key names a request only among that caller's own, so no caller can squat, replay or probe
 *     another's keys
 */
public record IdempotencyKey(String scope, String key, String operation, String requestHash) {

  /** The body field that carries the key on the event bus; HTTP copies the header into it. */
  public static final String FIELD = "idempotencyKey";
  public static final int MAX_LENGTH = 255;

  /** The key in {@code body}, sent by the caller with API key id {@code scope}, or null when the request carries none. */
  public static IdempotencyKey from(String operation, JsonObject body, String scope) {
    Object value = body.getValue(FIELD);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String key) || key.isBlank() || key.length() > MAX_LENGTH) {
      throw GatewayException.badRequest(FIELD + " must be a non-empty string of at most " + MAX_LENGTH + " characters");
    }
    JsonObject request = body.copy();
    request.remove(FIELD);
    return new IdempotencyKey(scope, key, operation, sha256(operation + "\n" + canonical(request)));
  }

  /**
   * The request as JSON with every object's fields in name order, so a client that resends the same
   * body with its fields in another order (another JSON library, a rebuilt map) is not refused.
   */
  static String canonical(JsonObject request) {
    return sortedCopy(request).toString();
  }

  private static Object sortedCopy(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject sorted = new JsonObject(new LinkedHashMap<>());
      object.fieldNames().stream().sorted().forEach(name -> sorted.put(name, sortedCopy(object.getValue(name))));
      return sorted;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(element -> copy.add(sortedCopy(element)));
      return copy;
    }
    return value;
  }

  /** The answer when the key was used before with another request. */
  public GatewayException mismatch() {
    return GatewayException.of(ErrorCode.IDEMPOTENCY_MISMATCH,
        "the Idempotency-Key '" + key + "' was already used with a different request");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
