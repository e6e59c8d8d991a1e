package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a request's {@code schema} (the Data API's too) is honoured: the session's search path is
 * that one schema for the request, or for the whole interactive transaction, and is reset before the
 * connection is lent again; a schema that does not exist is the request's error.
 */
class PostgresDatabasesTest extends DatabasesTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected String connectionsQuery() {
    return "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ?";
  }

  /** A schema of its own in {@code db}, holding a table {@code t} whose one row is {@code note}. */
  private String schemaWithRow(NewDatabase db, String note) throws SQLException {
    String schema = Engine.uniqueTable("dbs_schema");
    db.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".t (note TEXT)",
        "INSERT INTO " + schema + ".t VALUES ('" + note + "')");
    return schema;
  }

  private static String note(Response r) {
    return r.json().getJsonArray("rows").getJsonObject(0).getString("note");
  }

  @Test
  void aSchemaIsTheSearchPathOfItsRequestOnlyOnV1AndTheDataApi() throws SQLException {
    String schema = schemaWithRow(main, "in the schema");
    assertThat(note(ok("/v1/query", new JsonObject().put("sql", "SELECT note FROM t").put("schema", schema))))
        .isEqualTo("in the schema");
    Response dataApi = ok("/Execute", new JsonObject().put("sql", "SELECT note FROM t").put("schema", schema));
    assertThat(dataApi.json().getJsonArray("records").getJsonArray(0).getJsonObject(0).getString("stringValue"))
        .isEqualTo("in the schema");
    ok("/v1/transaction", new JsonObject().put("schema", schema).put("statements", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("sql", "INSERT INTO t VALUES ('written')"))));
    assertThat(ok("/v1/query", new JsonObject().put("sql", "SELECT COUNT(*) AS n FROM " + schema + ".t"))
        .json().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(2);

    // Every pooled connection is back on the default search path afterwards.
    for (int i = 0; i < 20; i++) {
      Response plain = ok("/v1/query", new JsonObject().put("sql", "SELECT current_setting('search_path') AS p"));
      assertThat(plain.json().getJsonArray("rows").getJsonObject(0).getString("p")).isEqualTo("\"$user\", public");
    }
  }

  @Test
  void aSchemaOfAListedDatabaseAndOfAnInteractiveTransactionIsHonoured() throws SQLException {
    String schema = schemaWithRow(other, "other database");
    assertThat(note(ok("/v1/query", new JsonObject().put("sql", "SELECT note FROM t").put("schema", schema)
        .put("database", name(other))))).isEqualTo("other database");
    String tx = ok("/v1/transactions", new JsonObject().put("database", name(other)).put("schema", schema))
        .json().getString("txId");
    assertThat(note(ok("/v1/query", new JsonObject().put("sql", "SELECT note FROM t").put("txId", tx))))
        .isEqualTo("other database");
    ok("/v1/transactions/" + tx + "/rollback", new JsonObject());
  }

  @Test
  void aSchemaThatDoesNotExistIsTheRequestsSqlError() {
    Response r = post("/v1/query", new JsonObject().put("sql", "SELECT 1").put("schema", "no_such_schema"));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("SQL_ERROR");
    assertThat(r.json().getString("sqlState")).isEqualTo("3F000");
    assertThat(r.json().getString("detail")).contains("no_such_schema");
  }
}
