package io.dbgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One request body means one thing: a member named twice is refused, at any depth. */
class StrictJsonTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"sql\": \"SELECT 1\", \"sql\": \"DROP TABLE t\"}|sql",
      "{\"statements\": [{\"sql\": \"SELECT 1\"}, {\"sql\": \"a\", \"params\": [], \"sql\": \"b\"}]}|statements[1].sql",
      "{\"params\": {\"id\": 1, \"id\": 2}, \"sql\": \"x\"}|params.id",
      "{\"a\": {\"b\": {\"c\": 1, \"c\": 1}}}|a.b.c"})
  void aMemberNamedTwiceIsRefusedAndNamed(String json, String member) {
    assertThatThrownBy(() -> StrictJson.object(Buffer.buffer(json)))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.problem().status()).isEqualTo(400);
          assertThat(e.problem().detail()).contains("\"" + member + "\"").contains("twice");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"sql\": \"SELECT ?\", \"params\": [1, 2147483648, 1.5, 1e400, 12345678901234567890123, true, null, \"s\", [], {}]}",
      "{\"statements\": [{\"sql\": \"a\"}, {\"sql\": \"a\"}], \"readOnly\": false} /* a comment */",
      "{}", "{\"a\": {\"b\": [{\"c\": 1}, {\"c\": 2}]}}"})
  void readsWhatVertxReadsTheSameWay(String json) {
    assertThat(StrictJson.object(Buffer.buffer(json))).isEqualTo(new JsonObject(json));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "1", "{\"sql\": ", "{\"a\": 1} {\"b\": 2}", "{'a': 1}"})
  void malformedOrNotAnObjectIs400(String json) {
    assertThatThrownBy(() -> StrictJson.object(Buffer.buffer(json)))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.problem().status()).isEqualTo(400));
  }
}
