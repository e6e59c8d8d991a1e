package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

class PostgresQueryTest extends QueryTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  /**
   * Issue #12's answer of 300 MB (60 rows of 5 MB), which ran the gateway out of direct memory and
   * stalled every client: at the default budget (16 MiB) it is a 413 pointing to streaming, and the
   * gateway serves the next request.
   */
  @org.junit.jupiter.api.Test
  void anAnswerTooLargeToBufferIsRefusedNotHeld() {
    GatewayUnderTest gateway = engine().gateway();
    var r = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT repeat('x', 5000000) AS big FROM generate_series(1, 60)"));
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertThat(r.json().getString("detail")).contains("application/x-ndjson");
    assertThat(gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one")).status()).isEqualTo(200);
  }
}
