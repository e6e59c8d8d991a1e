package io.dbgateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.JsonLogCapture;
import io.dbgateway.testing.Scrape;
import io.dbgateway.testing.ThrowawayMariaDb;
import io.dbgateway.testing.ThrowawayPostgres;
import io.dbgateway.testing.ThrowawayServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node's circuit breaker in {@code /metrics}: its state goes from closed to open when the database
 * goes away and back to closed when it returns, each opening is counted, and the breaker's log line
 * names the request whose failure opened it. Each engine runs against a server of its own, which the
 * test kills.
 */
class BreakerMetricsTest {

  /** Long enough that the breaker is still open when the scrape comes. */
  static final long RESET_MS = 5000;
  static final int MAX_REQUESTS = 50;

  static Stream<Arguments> engines() {
    return Stream.of(
        Arguments.of("postgresql", Named.of("PostgreSQL", (Supplier<ThrowawayServer>) ThrowawayPostgres::new)),
        Arguments.of("mariadb", Named.of("MariaDB", (Supplier<ThrowawayServer>) ThrowawayMariaDb::new)));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("engines")
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theBreakerStateMovesWhenTheDatabaseGoesAwayAndComesBack(String dbType, Supplier<ThrowawayServer> servers)
      throws Exception {
    ThrowawayServer server = servers.get();
    server.start();
    GatewayUnderTest gateway = null;
    try {
      gateway = GatewayUnderTest.start(Resilience.env(dbType, server, Map.of(
          "GATEWAY_BREAKER_MAX_FAILURES", "2",
          "GATEWAY_BREAKER_RESET_TIMEOUT_MS", Long.toString(RESET_MS),
          "GATEWAY_POOL_CONNECT_TIMEOUT_MS", "1000",
          "GATEWAY_RETRY_MAX_ATTEMPTS", "1")));
      outageAndRecovery(server, gateway);
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      server.destroy();
    }
  }

  private static void outageAndRecovery(ThrowawayServer server, GatewayUnderTest gateway) throws Exception {
    Map<String, String> node = Map.of("node", Resilience.node(server));
    Scrape up = Scrape.of(gateway);
    assertThat(up.value("dbgateway_breaker_state", node)).as("closed").isZero();
    double openedBefore = up.value("dbgateway_breaker_opened_total", node);

    List<String> sent = new ArrayList<>();
    JsonObject opened;
    try (JsonLogCapture breakerLog = JsonLogCapture.of(NodeBreaker.class)) {
      server.kill();
      Response refused = null;
      for (int i = 0; i < MAX_REQUESTS && refused == null; i++) {
        String id = "outage-" + i + "-" + UUID.randomUUID();
        sent.add(id);
        Response r = gateway.post("/v1/query", Resilience.sql("SELECT 1 AS one"), Map.of("X-Request-Id", id));
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("x-request-id")).isEqualTo(id);
        refused = Resilience.fromOpenBreaker(r) ? r : null;
      }
      assertThat(refused).as("a request refused by the open breaker").isNotNull();
      Scrape open = Scrape.of(gateway);
      assertThat(open.value("dbgateway_breaker_state", node)).as("open").isEqualTo(2);
      assertThat(open.value("dbgateway_breaker_opened_total", node) - openedBefore).isEqualTo(1);
      opened = breakerLog.await(e -> e.getString("message").contains("is OPEN"), 5000);
    }
    assertThat(opened.getString("level")).isEqualTo("WARN");
    assertThat(sent).as("the request whose failure opened the breaker").contains(opened.getString("requestId"));

    server.start();
    Response served = null;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESET_MS + 30_000);
    while (System.nanoTime() < deadline && (served == null || served.status() != 200)) {
      Thread.sleep(200);
      served = gateway.post("/v1/query", Resilience.sql("SELECT 1 AS one"));
    }
    assertThat(served.status()).as("served again: %s", served.body()).isEqualTo(200);
    Scrape closed = Scrape.of(gateway);
    assertThat(closed.value("dbgateway_breaker_state", node)).as("closed again").isZero();
    assertThat(closed.value("dbgateway_breaker_opened_total", node)).isGreaterThan(openedBefore);
  }
}
