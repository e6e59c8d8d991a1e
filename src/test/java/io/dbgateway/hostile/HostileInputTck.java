package io.dbgateway.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of generated bad requests to every endpoint. Each gets its documented 4xx problem+json (or,
 * for a harmless payload bound as data, a 200), none gets a 5xx, the gateway keeps serving, and the
 * database is unchanged afterwards.
 */
public abstract class HostileInputTck {

  /** Fixed, and printed with every failure, so a failing corpus can be generated again. */
  static final long SEED = 20261128L;
  private static final int MAX_BODY_BYTES = 1_048_576;

  protected abstract Engine engine();

  @Test
  void everyHostileRequestGetsItsDocumented4xxAndChangesNothing() throws SQLException {
    GatewayUnderTest gateway = engine().gateway();
    String table = Engine.uniqueTable("victims");
    execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)");
    execute("INSERT INTO " + table + " (id, name) VALUES (1, 'alice'), (2, 'bob'), (3, 'carol')");
    String before = snapshot(table);

    List<HostileRequest> corpus = new HostileCorpus(SEED, table, MAX_BODY_BYTES).generate();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(300);
    List<String> wrong = new ArrayList<>();
    int sent = 0;
    for (HostileRequest request : corpus) {
      Response response = gateway.send(request.method(), request.path(), request.body(), request.headers());
      String problem = check(request, response);
      if (problem != null) {
        wrong.add(problem + " <- " + request.describe());
      }
      if (++sent % 50 == 0) {
        assertStillServing(gateway, table);
      }
    }
    assertThat(wrong).as("seed " + SEED + ": requests answered wrongly").isEmpty();

    assertStillServing(gateway, table);
    assertThat(gateway.get("/health/ready").status()).isEqualTo(200);
    assertThat(snapshot(table)).as("the table after the corpus").isEqualTo(before);
  }

  /** Null when the answer is what the request may get; otherwise what is wrong with it. */
  private static String check(HostileRequest request, Response response) {
    int status = response.status();
    if (!request.expected().contains(status)) {
      return "status " + status + " (expected " + request.expected() + "): " + abbreviate(response.body());
    }
    if (status >= 400) {
      String type = response.header("Content-Type");
      if (type == null || !type.startsWith("application/problem+json")) {
        return "status " + status + " without problem+json (" + type + ")";
      }
      JsonObject problem;
      try {
        problem = new JsonObject(response.body());
      } catch (RuntimeException e) {
        return "a problem body that is not JSON: " + abbreviate(response.body());
      }
      if (!Integer.valueOf(status).equals(problem.getInteger("status")) || problem.getString("code") == null
          || problem.getString("detail") == null || !problem.getString("type", "").startsWith("urn:dbgateway:error:")) {
        return "an incomplete problem: " + abbreviate(response.body());
      }
      String detail = problem.getString("detail");
      if (detail.contains("\tat ") || detail.contains("Exception") || detail.contains("java.")) {
        return "a problem that leaks internals: " + abbreviate(response.body());
      }
    }
    return null;
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static void assertStillServing(GatewayUnderTest gateway, String table) {
    Response ok = gateway.post("/v1/query", new JsonObject().put("sql", "SELECT name FROM " + table + " WHERE id = ?")
        .put("params", new JsonArray().add(2)));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().getJsonArray("rows").getJsonObject(0).getString("name")).isEqualTo("bob");
  }

  /** Every row of the table, and the table still being there. */
  private String snapshot(String table) throws SQLException {
    StringBuilder rows = new StringBuilder();
    try (Connection c = engine().jdbc(); var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, name FROM " + table + " ORDER BY id")) {
      while (rs.next()) {
        rows.append(rs.getInt(1)).append('=').append(rs.getString(2)).append(';');
      }
    }
    return rows.toString();
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = engine().jdbc(); var s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
