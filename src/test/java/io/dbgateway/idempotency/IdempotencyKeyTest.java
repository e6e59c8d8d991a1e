package io.dbgateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The key's fingerprint of its request, and what counts as a valid key. */
class IdempotencyKeyTest {

  private static JsonObject body(String key) {
    return new JsonObject().put("sql", "INSERT INTO t (a, b) VALUES (:a, :b)")
        .put("params", new JsonObject().put("a", 1).put("b", new JsonArray().add(new JsonObject().put("y", 2).put("x", 1))))
        .put("idempotencyKey", key);
  }

  @Test
  void noKeyIsNoKey() {
    assertThat(from("query", new JsonObject().put("sql", "SELECT 1"))).isNull();
  }

  @Test
  void theFingerprintIgnoresTheKeyAndTheOrderOfFieldsAtEveryDepth() {
    IdempotencyKey one = from("query", body("k1"));
    JsonObject reordered = new JsonObject().put("idempotencyKey", "k2")
        .put("params", new JsonObject().put("b", new JsonArray().add(new JsonObject().put("x", 1).put("y", 2))).put("a", 1))
        .put("sql", "INSERT INTO t (a, b) VALUES (:a, :b)");
    assertThat(from("query", reordered).requestHash()).isEqualTo(one.requestHash());
    assertThat(one.key()).isEqualTo("k1");
    assertThat(one.requestHash()).matches("[0-9a-f]{64}");
  }

  @Test
  void anyOtherDifferenceChangesTheFingerprint() {
    String hash = from("query", body("k")).requestHash();
    assertThat(from("batch", body("k")).requestHash()).as("another operation").isNotEqualTo(hash);
    assertThat(from("query", body("k").put("maxRows", 5)).requestHash()).isNotEqualTo(hash);
    JsonObject otherValue = body("k");
    otherValue.getJsonObject("params").put("a", 2);
    assertThat(from("query", otherValue).requestHash()).isNotEqualTo(hash);
    JsonObject arrayOrder = new JsonObject().put("sql", "x").put("params", new JsonArray().add(1).add(2));
    JsonObject swapped = new JsonObject().put("sql", "x").put("params", new JsonArray().add(2).add(1));
    assertThat(from("query", arrayOrder.put("idempotencyKey", "k")).requestHash())
        .as("array order matters").isNotEqualTo(from("query", swapped.put("idempotencyKey", "k")).requestHash());
  }

  @Test
  void theRequestIsNotChanged() {
    JsonObject body = body("k");
    JsonObject before = body.copy();
    from("query", body);
    assertThat(body).isEqualTo(before);
  }

  @Test
  void aKeyMustBeANonBlankStringOfAtMost255Characters() {
    for (Object bad : new Object[] {"", "   ", 42, true, new JsonObject(), "x".repeat(256)}) {
      assertThatThrownBy(() -> from("query", new JsonObject().put("sql", "x").put("idempotencyKey", bad)))
          .as(String.valueOf(bad))
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
    assertThat(from("query", new JsonObject().put("sql", "x").put("idempotencyKey", "x".repeat(255))))
        .isNotNull();
  }

  @Test
  void aMismatchIs422() {
    GatewayException e = from("query", body("k")).mismatch();
    assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_MISMATCH);
    assertThat(e.problem().status()).isEqualTo(422);
  }

  private static IdempotencyKey from(String operation, JsonObject body) {
    return IdempotencyKey.from(operation, body, "app");
  }
}
