package io.dbgateway.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ReplyCodecTest {

  private final DatabaseVerticle.ReplyCodec codec = new DatabaseVerticle.ReplyCodec();

  @Test
  void aLocalReceiverGetsTheReplyItselfWithoutACopy() {
    JsonObject reply = new JsonObject().put("rows", new JsonArray().add(new JsonObject().put("id", 1)));
    assertThat(codec.transform(reply)).isSameAs(reply);
  }

  @Test
  void onTheWireItIsFramedJsonAfterWhateverCameBefore() {
    JsonObject reply = new JsonObject().put("rows", new JsonArray().add(new JsonObject().put("name", "é ☃")))
        .put("updated", 0).put("node", "127.0.0.1:5432");
    Buffer buffer = Buffer.buffer().appendString("header");
    codec.encodeToWire(buffer, reply);
    assertThat(buffer.getInt(6)).isEqualTo(buffer.length() - 10);
    assertThat(codec.decodeFromWire(6, buffer)).isEqualTo(reply);
  }
}
