package io.dbgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.Scrape;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/operations.md names every metric a gateway exposes, so the table cannot fall behind the code. */
class MetricsDocumentationTest {

  /** Micrometer's standard JVM and process meters: the document describes them as families. */
  private static final List<String> FAMILIES = List.of("jvm_", "process_", "system_");

  @Test
  void everyScrapedMetricIsInTheOperationsDocument() throws Exception {
    String doc = Files.readString(Path.of("docs", "operations.md"));
    GatewayUnderTest gateway = Engine.SQLITE.gateway();
    assertThat(gateway.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one")).status()).isEqualTo(200);
    assertThat(gateway.get("/health/ready").status()).isEqualTo(200);
    String scrape = Scrape.of(gateway).text();
    List<String> names = scrape.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2])
        .filter(name -> FAMILIES.stream().noneMatch(name::startsWith))
        .map(name -> name.endsWith("_max") ? name.substring(0, name.length() - "_max".length()) : name)
        .distinct().toList();
    assertThat(names).contains("dbgateway_operation_seconds", "dbgateway_breaker_state", "vertx_pool_in_use");
    assertThat(names).allSatisfy(name -> assertThat(doc).as("docs/operations.md names " + name)
        .contains("`" + name + "`"));
    for (String family : FAMILIES) {
      assertThat(doc).contains("`" + family);
    }
  }
}
