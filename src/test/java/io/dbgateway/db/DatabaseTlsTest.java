package io.dbgateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.node.LanedPool;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.TestCertificates;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.dbgateway.config.ConfigLoader;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.driver.postgres.PostgresDialect;
import io.dbgateway.driver.postgres.PostgresDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DB_SSL_MODE and DB_SSL_CA against a throwaway PostgreSQL that accepts TCP clients over TLS only
 * (hostssl), with a certificate from a CA made at test time. Start-up (the wait and Flyway, over JDBC)
 * and the async pool both have to use TLS, or the server turns them away.
 */
class DatabaseTlsTest {

  @TempDir
  static Path dir;
  static TestCertificates authority;
  static ThrowawayPostgres postgres;

  @BeforeAll
  static void start() {
    authority = TestCertificates.newAuthority(dir, "db-ca");
    postgres = ThrowawayPostgres.withTls(authority.server("postgres"));
    postgres.start();
  }

  @AfterAll
  static void stop() {
    postgres.destroy();
  }

  private static Map<String, String> env(String mode, Path ca) {
    Map<String, String> env = new HashMap<>(Map.of(
        "DB_TYPE", "postgresql", "DB_HOST", "127.0.0.1", "DB_PORT", Integer.toString(postgres.port()),
        "DB_NAME", postgres.database(), "DB_USER", postgres.user(), "DB_PASS", postgres.password(),
        "DB_MAX_RETRIES", "1", "DB_RETRY_DELAY", "0.2", "DB_SSL_MODE", mode));
    if (ca != null) {
      env.put("DB_SSL_CA", ca.toString());
    }
    return env;
  }

  /** The pool's own session, as PostgreSQL sees it: is it over TLS? */
  private static void assertPoolSessionIsEncrypted(GatewayUnderTest gateway) {
    Response r = gateway.post("/v1/query", new JsonObject().put("sql",
        "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject row = r.json().getJsonArray("rows").getJsonObject(0);
    assertThat(row.getBoolean("ssl")).as(r.body()).isTrue();
    assertThat(row.getString("version")).startsWith("TLS");
  }

  @Test
  void theServerTurnsAwayClientsWithoutTls() throws Exception {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl() + "?sslmode=disable", postgres.user(), postgres.password())) {
      throw new AssertionError("a connection without TLS was accepted: " + c);
    } catch (java.sql.SQLException expected) {
      assertThat(expected.getMessage()).contains("no encryption");
    }
  }

  @Test
  void requireEncryptsFlywayAndThePoolWithoutACa() {
    GatewayUnderTest gateway = GatewayUnderTest.start(env("require", null));
    try {
      assertPoolSessionIsEncrypted(gateway);
    } finally {
      gateway.close();
    }
  }

  @Test
  void verifyFullWorksWithTheRightCaAndHostName() throws Exception {
    GatewayUnderTest gateway = GatewayUnderTest.start(env("verify-full", authority.ca()));
    try {
      assertPoolSessionIsEncrypted(gateway);
      // Flyway ran over JDBC with the same settings: its history is there.
      try (Connection c = DriverManager.getConnection(postgres.jdbcUrl() + "?sslmode=require", postgres.user(), postgres.password());
           Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success")) {
        rs.next();
        assertThat(rs.getInt(1)).isPositive();
      }
    } finally {
      gateway.close();
    }
  }

  @Test
  void verifyFullWithAnotherCaRefusesToStartAndSaysWhy() {
    Path otherCa = TestCertificates.newAuthority(dir, "other-ca").ca();
    assertThatThrownBy(() -> GatewayUnderTest.start(env("verify-full", otherCa)).close())
        .hasMessageContaining("gave up on the database")
        .hasMessageContaining("TLS to the database failed (DB_SSL_MODE=verify-full, DB_SSL_CA=" + otherCa)
        .hasMessageContaining("certification path");
  }

  /** The async pool checks the certificate itself, not only the JDBC start-up that precedes it. */
  @Test
  void thePoolVerifiesTheCertificateOnItsOwn() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      assertThat(poolSessionSsl(vertx, authority.ca()).get(30, TimeUnit.SECONDS)).as("ssl in pg_stat_ssl").isTrue();
      Path otherCa = TestCertificates.newAuthority(dir, "pool-other-ca").ca();
      var refused = poolSessionSsl(vertx, otherCa);
      assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS))
          .rootCause().hasMessageContaining("SSL handshake failed");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Whether a session of a verify-full pool trusting {@code ca} runs over TLS, by pg_stat_ssl. */
  private static CompletableFuture<Boolean> poolSessionSsl(io.vertx.core.Vertx vertx, Path ca) {
    GatewayConfig config = ConfigLoader.load(env("verify-full", ca));
    LanedPool pool = PostgresDriver.INSTANCE.connections(vertx, config.database(), config.pool(),
        config.database().hosts().get(0), 30_000, 1, new PostgresDialect(30_000).sessionReset());
    return pool.connection(false)
        .compose(conn -> conn.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").execute()
            .andThen(done -> conn.close()))
        .map(rows -> rows.iterator().next().getBoolean(0))
        .andThen(done -> pool.close())
        .toCompletionStage().toCompletableFuture();
  }

  @Test
  void disableAgainstAServerThatRequiresTlsIsRefused() {
    assertThatThrownBy(() -> GatewayUnderTest.start(env("disable", null)).close())
        .hasMessageContaining("gave up on the database")
        .hasMessageContaining("no encryption");
  }
}
