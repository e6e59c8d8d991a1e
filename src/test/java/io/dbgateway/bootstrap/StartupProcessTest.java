package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.testing.ThrowawayPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real entry point in a child JVM and checks what an operator sees: exit status and output. */
class StartupProcessTest {

  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aClosedPortIsTriedExactlyDbMaxRetriesTimesThenTheGatewayExitsWithOneClearLine() throws Exception {
    int dbPort = FreePorts.take(); // nothing listens here
    String secret = "never-print-this-pass";
    try (ChildGateway child = ChildGateway.start(Map.of(
        "DB_TYPE", "postgresql",
        "DB_HOST", "127.0.0.1",
        "DB_PORT", Integer.toString(dbPort),
        "DB_PASS", secret,
        "DB_MAX_RETRIES", "2",
        "DB_RETRY_DELAY", "1",
        "GATEWAY_HTTP_PORT", Integer.toString(FreePorts.take())))) {

      long t0 = System.nanoTime();
      int status = child.waitForExit(60);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      List<String> lines = child.lines();
      String output = String.join("\n", lines);

      assertThat(status).as("exit status; output:\n%s", output).isEqualTo(GatewayApplication.EXIT_STARTUP_FAILED);
      String target = "127.0.0.1:" + dbPort;
      List<String> first = matching(lines, l -> l.contains("attempt 1/2"));
      List<String> second = matching(lines, l -> l.contains("attempt 2/2"));
      assertThat(first).as(output).hasSize(1);
      assertThat(second).as(output).hasSize(1);
      assertThat(matching(lines, l -> l.matches(".*attempt \\d+/\\d+.*"))).as(output).hasSize(2);
      for (String attempt : List.of(first.get(0), second.get(0))) {
        assertThat(attempt).contains(target).containsIgnoringCase("refused");
      }
      assertThat(first.get(0)).contains("next attempt in");
      assertThat(elapsedMs).as("the retry waited DB_RETRY_DELAY").isGreaterThanOrEqualTo(1_000);

      String last = lines.get(lines.size() - 1);
      assertThat(last).as(output)
          .contains("gave up on the database postgresql://" + target + "/app_db")
          .contains("after 2 attempts")
          .containsIgnoringCase("refused");
      assertThat(output).doesNotContain(secret).doesNotContain("DB Gateway ready");
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aDatabaseThatComesUpDuringTheRetriesIsPickedUp() throws Exception {
    ThrowawayPostgres postgres = new ThrowawayPostgres(); // its port is fixed now, but nothing listens yet
    int httpPort = FreePorts.take();
    try (ChildGateway child = ChildGateway.start(Map.of(
        "DB_TYPE", "postgresql",
        "DB_HOST", postgres.host(),
        "DB_PORT", Integer.toString(postgres.port()),
        "DB_NAME", postgres.database(),
        "DB_USER", postgres.user(),
        "DB_PASS", postgres.password(),
        "DB_MAX_RETRIES", "10",
        "DB_RETRY_DELAY", "0.5",
        "GATEWAY_HTTP_PORT", Integer.toString(httpPort)))) {

      child.awaitLine(l -> l.contains("attempt 1/10"), 60);
      assertThat(child.isAlive()).isTrue();
      postgres.start();

      String ready = child.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      assertThat(ready).contains(postgres.host() + ":" + postgres.port());
      List<String> lines = child.lines();
      assertThat(matching(lines, l -> l.contains("failed") && l.contains("attempt")))
          .as("at least the first attempt failed").isNotEmpty();
      assertThat(matching(lines, l -> l.contains("gave up"))).isEmpty();

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
              .timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

      // the migrations ran against the database that came up
      try (var connection = postgres.connect();
           var rs = connection.createStatement().executeQuery(
               "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('auth_user', 'auth_role')")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
    } finally {
      postgres.destroy();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBadConfigExitsWithStatusTwoReportingEveryProblemAndTouchesNoDatabase() throws Exception {
    // A listening socket stands in for the database: any connection attempt would show up here.
    try (ServerSocket fakeDb = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
         ChildGateway child = ChildGateway.start(Map.of(
             "DB_TYPE", "oracle",
             "DB_HOST", "127.0.0.1",
             "DB_PORT", Integer.toString(fakeDb.getLocalPort()),
             "DB_POOL_SIZE", "zero",
             "DB_MAX_RETRIES", "1",
             "DB_RETRY_DELAY", "0",
             "GATEWAY_HTTP_PORT", "99999"))) {

      int status = child.waitForExit(30);
      String output = String.join("\n", child.lines());

      assertThat(status).as(output).isEqualTo(2);
      assertThat(output)
          .contains("3 problems")
          .contains("DB_TYPE 'oracle'").contains("postgresql, mysql, sqlite")
          .contains("DB_POOL_SIZE").contains("'zero'")
          .contains("GATEWAY_HTTP_PORT").contains("99999");
      assertThat(output).doesNotContain("attempt").doesNotContain("gave up").doesNotContain("Migrat");

      fakeDb.setSoTimeout(300);
      try (Socket accepted = fakeDb.accept()) {
        throw new AssertionError("the gateway connected to the database despite a bad config: " + accepted);
      } catch (SocketTimeoutException expected) {
        // nobody knocked
      }
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aStartUpFailureAfterTheDatabaseIsUpExitsWithStatusOneAndOneLineNamingIt(@TempDir Path dir) throws Exception {
    // The HTTP port is taken: the database (SQLite) and migrations succeed, then HTTP cannot listen.
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
         ChildGateway child = ChildGateway.start(Map.of(
             "DB_TYPE", "sqlite",
             "DB_NAME", dir.resolve("gateway.db").toString(),
             "GATEWAY_HTTP_PORT", Integer.toString(taken.getLocalPort())))) {

      int status = child.waitForExit(60);
      List<String> lines = child.lines();
      String output = String.join("\n", lines);

      assertThat(status).as(output).isEqualTo(GatewayApplication.EXIT_STARTUP_FAILED);
      assertThat(output).contains("migrations done");
      assertThat(lines.get(lines.size() - 1)).as(output)
          .contains("start-up failed")
          .contains("127.0.0.1:" + taken.getLocalPort())
          .contains("GATEWAY_HTTP_PORT");
      assertThat(output).doesNotContain("DB Gateway ready").doesNotContain("Thread blocked");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBadNamedQueryFileExitsWithStatusTwoNamingTheFileAndTouchesNoDatabase(@TempDir Path dir) throws Exception {
    Path queries = java.nio.file.Files.createDirectory(dir.resolve("queries"));
    Path bad = java.nio.file.Files.writeString(queries.resolve("users.json"),
        "[{\"name\": \"users.all\", \"sql\": \"SELECT * FROM auth_user\", \"readOnly\": \"yes\"}]");
    Path database = dir.resolve("gateway.db");
    try (ChildGateway child = ChildGateway.start(Map.of(
        "DB_TYPE", "sqlite",
        "DB_NAME", database.toString(),
        "GATEWAY_QUERIES", queries.toString(),
        "GATEWAY_HTTP_PORT", Integer.toString(FreePorts.take())))) {

      int status = child.waitForExit(30);
      String output = String.join("\n", child.lines());

      assertThat(status).as(output).isEqualTo(2);
      assertThat(output).contains("invalid configuration (1 problem)")
          .contains(bad + " [0]").contains("readOnly must be true or false");
      assertThat(output).doesNotContain("attempt").doesNotContain("Migrat");
      assertThat(database).as("no database was opened").doesNotExist();
    }
  }

  // ---- helpers ----

  private static List<String> matching(List<String> lines, Predicate<String> p) {
    return lines.stream().filter(p).toList();
  }


}
