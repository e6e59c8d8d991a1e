package io.dbgateway.named;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.config.InvalidConfigException;
import io.dbgateway.error.GatewayException;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the named-query files: what is accepted, and every problem reported with its file. */
class NamedQueriesTest {

  @TempDir
  Path dir;

  private Path write(String file, String content) throws IOException {
    return Files.writeString(dir.resolve(file), content);
  }

  private static String query(String name, String sql, Object readOnly) {
    return new JsonObject().put("name", name).put("sql", sql).put("readOnly", readOnly).encode();
  }

  private InvalidConfigException refused() {
    return (InvalidConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> NamedQueries.load(dir, SqlSyntax.POSTGRESQL));
  }

  @Test
  void aFileHoldsOneQueryOrAnArrayAndOnlyJsonFilesCount() throws IOException {
    write("one.json", query("a.one", "SELECT 1", true));
    write("many.json", "[" + query("b-two", "SELECT :x", false) + ", "
        + new JsonObject().put("name", "c_3").put("sql", "SELECT ?").put("readOnly", true)
            .put("description", "three").encode() + "]");
    write("notes.txt", "not a query");
    NamedQueries queries = NamedQueries.load(dir, SqlSyntax.POSTGRESQL);
    assertThat(queries.size()).isEqualTo(3);
    assertThat(queries.get("a.one")).isEqualTo(new NamedQuery("a.one", "SELECT 1", true, null));
    assertThat(queries.get("c_3").description()).isEqualTo("three");
    assertThat(queries.get("b-two").readOnly()).isFalse();
  }

  @Test
  void anUnknownNameIs404() throws IOException {
    write("one.json", query("a", "SELECT 1", true));
    assertThatThrownBy(() -> NamedQueries.load(dir, SqlSyntax.SQLITE).get("b"))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.problem().status()).isEqualTo(404));
  }

  @Test
  void aMissingFolderHoldsNoQueries() {
    assertThat(NamedQueries.load(dir.resolve("absent"), SqlSyntax.MYSQL).size()).isZero();
  }

  @Test
  void everyProblemIsReportedTogetherWithItsFile() throws IOException {
    Path broken = write("broken.json", "{\"name\": ");
    Path scalar = write("scalar.json", "42");
    Path fields = write("fields.json", "[" + new JsonObject().put("name", "has space").put("sql", " ")
        .put("readOnly", "yes").put("description", 5).put("sqll", "x").encode() + ", 7]");
    Path mixed = write("mixed.json", query("mixed", "SELECT ? + :x", true));
    Path first = write("a_first.json", query("dup", "SELECT 1", true));
    Path second = write("z_second.json", query("dup", "SELECT 2", true));

    InvalidConfigException e = refused();
    assertThat(e.problems()).anyMatch(p -> p.contains(broken.toString()) && p.contains("not valid JSON"));
    assertThat(e.problems()).anyMatch(p -> p.contains(scalar.toString()) && p.contains("query object or an array"));
    assertThat(e.problems()).anyMatch(p -> p.contains(fields + " [0]") && p.contains("unknown field 'sqll'"));
    assertThat(e.problems()).anyMatch(p -> p.contains(fields + " [0]") && p.contains("name must be"));
    assertThat(e.problems()).anyMatch(p -> p.contains(fields + " [0]") && p.contains("sql must be a non-empty string"));
    assertThat(e.problems()).anyMatch(p -> p.contains(fields + " [0]") && p.contains("readOnly must be true or false"));
    assertThat(e.problems()).anyMatch(p -> p.contains(fields + " [0]") && p.contains("description must be a string"));
    assertThat(e.problems()).anyMatch(p -> p.contains(fields + " [1]") && p.contains("must be an object"));
    assertThat(e.problems()).anyMatch(p -> p.contains(mixed.toString()) && p.contains("cannot mix ? and :name"));
    assertThat(e.problems()).anyMatch(p -> p.contains(second.toString()) && p.contains("'dup' is already used in " + first));
    assertThat(e.problems()).hasSize(10);
    assertThat(e.getMessage()).startsWith("invalid configuration (10 problems)");
  }

  @Test
  void readOnlyMustBeStated() throws IOException {
    write("q.json", new JsonObject().put("name", "q").put("sql", "SELECT 1").encode());
    assertThat(refused().problems()).singleElement().asString().contains("readOnly must be true or false");
  }

  @Test
  void placeholdersAreReadWithTheEnginesSyntax() throws IOException {
    // In PostgreSQL a dollar-quoted string hides the ?, so only :x is a placeholder; elsewhere both are.
    write("q.json", query("q", "SELECT $$?$$, :x", true));
    assertThat(NamedQueries.load(dir, SqlSyntax.POSTGRESQL).size()).isEqualTo(1);
    assertThatThrownBy(() -> NamedQueries.load(dir, SqlSyntax.SQLITE)).isInstanceOf(InvalidConfigException.class);
  }
}
