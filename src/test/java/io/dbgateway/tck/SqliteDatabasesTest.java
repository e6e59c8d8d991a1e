package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On SQLite each listed database is a file, named by the rule of {@code DB_NAME}; the gateway never makes
 * one (a missing file is the request's 404), and a request's {@code schema} may only be {@code main} or the
 * database itself.
 */
class SqliteDatabasesTest extends DatabasesTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected String missingDatabase() throws Exception {
    Path dir = Files.createTempDirectory("dbgw-test-sqlite-");
    dir.toFile().deleteOnExit();
    return dir.resolve("missing.db").toString();
  }

  @Override
  protected String connectionsQuery() {
    return null;
  }

  @Test
  void aMissingDatabaseFileIsNeverMade() {
    post("/v1/query", new JsonObject().put("sql", "CREATE TABLE x (id INT)").put("database", missing));
    assertThat(Path.of(missing)).doesNotExist();
  }

  @Test
  void aSchemaMustBeMainOrTheDatabase() {
    ok("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM dbs_made").put("database", name(other))
        .put("schema", "main"));
    ok("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM dbs_made").put("database", name(other))
        .put("schema", name(other)));
    Response r = post("/Execute", new JsonObject().put("sql", "SELECT 1 AS one").put("schema", "public"));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("detail")).contains("one schema");
  }
}
