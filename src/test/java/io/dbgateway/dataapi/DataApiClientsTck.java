package io.dbgateway.dataapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real Data API client libraries and ORMs, unchanged but for their endpoint and credentials, against a
 * gateway: schema set-up through the client, inserts and selects with every kind of parameter the client
 * sends, transactions and errors ({@code src/test/node/clients}, one script per client, versions pinned
 * in its lockfile). A failing check fails the test with the client's own output.
 */
public abstract class DataApiClientsTck {

  protected abstract Engine engine();

  /** The clients' name for the engine: {@code postgres} or {@code mysql}. */
  protected abstract String dialect();

  private GatewayUnderTest gateway() {
    return SignedGateways.of(engine(), engine().env());
  }

  /** Runs one client's checks; each creates its own tables, named from a prefix no other run uses. */
  protected final void assertClientChecksPass(String script) throws IOException, InterruptedException {
    NodeChecks.Result result = NodeChecks.CLIENTS.node(script, Map.ofEntries(
        Map.entry("GATEWAY_URL", "http://127.0.0.1:" + gateway().port()),
        Map.entry("KEY_ID", SignedGateways.KEY_ID),
        Map.entry("SECRET", SignedGateways.SECRET),
        Map.entry("DATABASE", engine().env().get("DB_NAME")),
        Map.entry("DIALECT", dialect()),
        Map.entry("PREFIX", Engine.uniqueTable("cl")),
        Map.entry("TZ", "UTC"),
        Map.entry("NODE_NO_WARNINGS", "1"),
        Map.entry("AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE", "1")));
    assertThat(result.exitCode()).as("%s on %s:%n%s", script, engine(), result.output()).isZero();
    assertThat(result.output()).as("%s on %s:%n%s", script, engine(), result.output())
        .contains("all checks passed").doesNotContain("FAIL");
  }

  @Test
  void kyselyDataApiRunsUnchanged() throws Exception {
    assertClientChecksPass("kysely-data-api.mjs");
  }

  @Test
  void jeremyDalysDataApiClientRunsUnchanged() throws Exception {
    assertClientChecksPass("data-api-client.mjs");
  }

  @Test
  void typeormWithTheAuroraDataApiDriverRunsUnchanged() throws Exception {
    assertClientChecksPass("typeorm.mjs");
  }
}
