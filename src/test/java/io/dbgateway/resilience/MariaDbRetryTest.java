package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A single MariaDB server. Error 1047 (a Galera node that is not ready) is signalled here only: on Galera
 * the gateway also takes a node that answers it out of the routing, so a signalled one would fail the
 * writer over.
 */
class MariaDbRetryTest extends MySqlRetryTck {

  private static final ProvokedError NODE_REFUSED = new ProvokedError("08S01", 1047); // WSREP not ready

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Test
  void aNodeThatRefusedTheStatementIsRetriedInATransaction() throws Exception {
    Flaky flaky = failing(1, NODE_REFUSED);
    Response r = gateway.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
        .add(insert("refused")).add(new JsonObject().put("sql", flaky.statement()))));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(flaky.attempts()).isEqualTo(2);
    assertThat(count("name = 'refused'")).isEqualTo(1);
  }

  @Test
  void aNodeThatRefusedASingleStatementIsRetried() throws Exception {
    // 1047 is the server's answer that it did not run the statement: not an unknown outcome.
    Flaky flaky = failing(1, NODE_REFUSED);
    Response r = gateway.post("/v1/query", new JsonObject().put("sql", flaky.statement()));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(flaky.attempts()).isEqualTo(2);
  }
}
