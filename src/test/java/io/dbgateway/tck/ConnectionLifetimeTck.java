package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.testing.Await;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connections past their maximum lifetime are replaced, so stale ones never linger. */
public abstract class ConnectionLifetimeTck {

  protected abstract Engine engine();

  /** A query answering the server's id for the connection that runs it, as column {@code id}. */
  protected abstract String connectionIdQuery();

  @Test
  void connectionPastItsLifetimeIsReplaced() throws Exception {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("DB_POOL_SIZE", "1");
    env.put("GATEWAY_POOL_MAX_LIFETIME", "1");
    GatewayUnderTest gateway = GatewayUnderTest.start(env);
    try {
      Object first = connectionId(gateway);
      assertThat(connectionId(gateway)).as("the same connection is reused within its lifetime").isEqualTo(first);
      // Replaced once its second is up; the wait is bounded only so that a connection kept for ever fails.
      Await.until("a new connection", () -> connectionId(gateway), id -> !id.equals(first), 30_000);
    } finally {
      gateway.close();
    }
  }

  private Object connectionId(GatewayUnderTest gateway) {
    var r = gateway.post("/v1/query", new JsonObject().put("sql", connectionIdQuery()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("rows").getJsonObject(0).getValue("id");
  }
}
