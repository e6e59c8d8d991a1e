package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** On MariaDB a schema is a database: a request's {@code schema} may only name the database it runs on. */
class MariaDbDatabasesTest extends DatabasesTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected String connectionsQuery() {
    return "SELECT COUNT(*) FROM information_schema.processlist WHERE db = ?";
  }

  @Test
  void aSchemaMustBeTheDatabaseTheRequestRunsOn() {
    ok("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM dbs_made").put("database", name(other))
        .put("schema", name(other)));
    ok("/Execute", new JsonObject().put("sql", "SELECT 1 AS one").put("schema", name(main)));
    Response r = post("/Execute", new JsonObject().put("sql", "SELECT 1 AS one").put("database", name(other))
        .put("schema", name(main)));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("X-Amzn-Errortype")).isEqualTo("BadRequestException");
    assertThat(r.json().getString("detail")).contains("a schema is a database");
  }

  @Test
  void booleanColumnsOfAListedDatabaseAreDescribedThere() throws SQLException {
    String table = Engine.uniqueTable("dbs_bool");
    other.execute("CREATE TABLE " + table + " (flag TINYINT(1))", "INSERT INTO " + table + " VALUES (1)");
    Response r = ok("/v1/query", new JsonObject().put("sql", "SELECT flag FROM " + table).put("database", name(other)));
    assertThat(r.json().getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("BOOLEAN");
    assertThat(r.json().getJsonArray("rows").getJsonObject(0).getValue("flag")).isEqualTo(true);
  }
}
