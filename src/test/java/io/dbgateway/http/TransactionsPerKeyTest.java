package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GATEWAY_TX_MAX_OPEN_PER_KEY over HTTP: one key at its limit gets 429, another key is not affected. */
class TransactionsPerKeyTest {

  private static final String A = "key-a-secret-0123456789";
  private static final String B = "key-b-secret-0123456789";

  @Test
  void aKeyHoldingItsMostOpenTransactionsGets429WhileAnotherKeyBegins(@TempDir Path dir) {
    GatewayUnderTest gateway = GatewayUnderTest.start(HttpAuthTest.sqlite(dir.resolve("tx.db"), Map.of(
        "GATEWAY_API_KEYS", "a:read:" + A + ",b:read:" + B, "GATEWAY_TX_MAX_OPEN_PER_KEY", "2")));
    try {
      String first = begin(gateway, A).json().getString("txId");
      begin(gateway, A);
      Response third = begin(gateway, A);
      assertThat(third.status()).as(third.body()).isEqualTo(429);
      assertThat(third.json().getString("code")).isEqualTo("RATE_LIMITED");
      assertThat(Integer.parseInt(third.header("Retry-After"))).isGreaterThanOrEqualTo(1);

      assertThat(begin(gateway, B).status()).as("key b has its own count").isEqualTo(200);

      Response ended = gateway.post("/v1/transactions/" + first + "/commit", new JsonObject(), HttpAuthTest.bearer(A));
      assertThat(ended.status()).as(ended.body()).isEqualTo(200);
      assertThat(begin(gateway, A).status()).as("a slot is free again").isEqualTo(200);
      assertThat(begin(gateway, A).status()).isEqualTo(429);
    } finally {
      gateway.close();
    }
  }

  private static Response begin(GatewayUnderTest gateway, String secret) {
    Response r = gateway.post("/v1/transactions", new JsonObject(), HttpAuthTest.bearer(secret));
    assertThat(r.status()).as(r.body()).isIn(200, 429);
    return r;
  }
}
