package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The database standard's own tables ({@code auth_user}, {@code auth_role}), shared by the gateway and
 * the applications that follow the standard, in both directions: the gateway starts on a schema the
 * standard's own initialisation made, and a schema the gateway migrated serves the standard's queries.
 * The same suite runs on every engine.
 */
public abstract class StandardSchemaTck {

  private static final String UNIQUIFIER = "[0-9a-f]{32}";

  protected abstract Engine engine();

  /**
   * What the standard's SQLAlchemy models create with {@code metadata.create_all} on this engine: {@link
   * #sqlAlchemyCreateAll} with the dialect's types.
   */
  protected abstract List<String> standardCreateAll();

  /**
   * The DDL that SQLAlchemy (1.4) emits for the standard's models (Flask-Security style), which differs
   * by dialect only in the key, boolean and timestamp columns:
   * <pre>
   * class Role(Base):
   *     __tablename__ = "auth_role"
   *     id = Column(Integer, primary_key=True)
   *     name = Column(String(80), unique=True, nullable=False)
   *     description = Column(String(255))
   *
   * class User(Base):
   *     __tablename__ = "auth_user"
   *     id = Column(Integer, primary_key=True)
   *     email = Column(String(255), unique=True, nullable=False)
   *     password = Column(String(255))
   *     active = Column(Boolean, nullable=False, server_default=true())
   *     fs_uniquifier = Column(String(64), unique=True, nullable=False)
   *     confirmed_at = Column(DateTime)
   * </pre>
   */
  protected static List<String> sqlAlchemyCreateAll(String id, String active, String dateTime) {
    return List.of("""
        CREATE TABLE auth_role (
            id %s,
            name VARCHAR(80) NOT NULL,
            description VARCHAR(255),
            PRIMARY KEY (id),
            UNIQUE (name)
        )""".formatted(id), """
        CREATE TABLE auth_user (
            id %s,
            email VARCHAR(255) NOT NULL,
            password VARCHAR(255),
            active %s,
            fs_uniquifier VARCHAR(64) NOT NULL,
            confirmed_at %s,
            PRIMARY KEY (id),
            UNIQUE (email),
            UNIQUE (fs_uniquifier)
        )""".formatted(id, active, dateTime));
  }

  @Test
  void theGatewayStartsOnTheStandardsOwnSchemaWithBaselineOnAndSkipsTheAuthMigrations() throws Exception {
    NewDatabase db = engine().newDatabase("standard");
    db.execute(standardCreateAll());
    db.execute("INSERT INTO auth_user (email, password, active, fs_uniquifier) VALUES ('app@example.org', 'h', TRUE, 'app-1')");
    GatewayUnderTest gateway = GatewayUnderTest.start(db.env("GATEWAY_MIGRATIONS_BASELINE", "true"));
    try {
      assertThat(rows(gateway, "SELECT email FROM auth_user WHERE active = :active", Map.of("active", true)))
          .extracting(row -> row.getString("email")).containsExactly("app@example.org");
      theStandardsQueriesWork(gateway, "baselined");
      // Baselined at V2: neither V1 (CREATE TABLE) nor V2 (its columns) ran, so V1's extras are absent.
      assertThat(rows(gateway, "SELECT version, type FROM flyway_schema_history ORDER BY installed_rank", Map.of()))
          .extracting(row -> row.getString("version") + " " + row.getString("type"))
          .containsExactly("2 BASELINE");
      assertThat(query(gateway, "SELECT display_name FROM auth_user", Map.of()).json().getString("code"))
          .isEqualTo("SQL_ERROR");
    } finally {
      gateway.close();
    }
  }

  @Test
  void theStandardsSchemaWithoutBaselineIsRefusedWithTheSettingToSet() throws Exception {
    NewDatabase db = engine().newDatabase("refused");
    db.execute(standardCreateAll());
    assertThatThrownBy(() -> GatewayUnderTest.start(db.env()))
        .hasMessageContaining("non-empty schema")
        .hasMessageContaining("GATEWAY_MIGRATIONS_BASELINE=true")
        .hasMessageNotContaining("baselineOnMigrate");
  }

  @Test
  void aDatabaseTheGatewayMigratedServesTheStandardsQueries() {
    theStandardsQueriesWork(engine().gateway(), Engine.uniqueTable("migrated"));
  }

  @Test
  void aUserInsertedWithoutUniquifierGetsAFreshOneOfItsOwn() {
    GatewayUnderTest gateway = engine().gateway();
    String tag = Engine.uniqueTable("nouniq");
    for (String who : List.of("a", "b")) {
      Response inserted = query(gateway, "INSERT INTO auth_user (email) VALUES (:email)",
          Map.of("email", who + "." + tag + "@example.org"));
      assertThat(inserted.status()).as(inserted.body()).isEqualTo(200);
    }
    List<JsonObject> users = rows(gateway, "SELECT fs_uniquifier, active FROM auth_user WHERE email LIKE :pattern",
        Map.of("pattern", "%." + tag + "@example.org"));
    assertThat(users).hasSize(2).allSatisfy(user -> {
      assertThat(user.getString("fs_uniquifier")).matches(UNIQUIFIER);
      assertThat(user.getBoolean("active")).isTrue();
    });
    assertThat(users.get(0).getString("fs_uniquifier")).isNotEqualTo(users.get(1).getString("fs_uniquifier"));
  }

  @Test
  void aRoleNameHoldsEightyCharacters() {
    String name = (Engine.uniqueTable("role") + "x".repeat(80)).substring(0, 80);
    Response inserted = query(engine().gateway(), "INSERT INTO auth_role (name) VALUES (:name)", Map.of("name", name));
    assertThat(inserted.status()).as(inserted.body()).isEqualTo(200);
    assertThat(rows(engine().gateway(), "SELECT name FROM auth_role WHERE name = :name", Map.of("name", name)))
        .extracting(row -> row.getString("name")).containsExactly(name);
  }

  @Test
  void upgradingAV1DatabaseKeepsItsPasswordsAndGivesEachUserItsOwnUniquifier() throws Exception {
    NewDatabase db = engine().newDatabase("upgrade");
    GatewayUnderTest.start(db.env("GATEWAY_MIGRATIONS", onlyV1().toString())).close();
    db.execute("INSERT INTO auth_user (email, password_hash, display_name) VALUES ('ann@example.org', 'hash-a', 'Ann')",
        "INSERT INTO auth_user (email, password_hash) VALUES ('bob@example.org', 'hash-b')");
    GatewayUnderTest gateway = GatewayUnderTest.start(db.env());
    try {
      List<JsonObject> users = rows(gateway,
          "SELECT email, password, display_name, fs_uniquifier, confirmed_at FROM auth_user ORDER BY email", Map.of());
      assertThat(users).extracting(u -> u.getString("email") + " " + u.getString("password") + " " + u.getString("display_name"))
          .containsExactly("ann@example.org hash-a Ann", "bob@example.org hash-b null");
      assertThat(users).allSatisfy(u -> {
        assertThat(u.getString("fs_uniquifier")).matches(UNIQUIFIER);
        assertThat(u.getValue("confirmed_at")).isNull();
      });
      assertThat(users.get(0).getString("fs_uniquifier")).isNotEqualTo(users.get(1).getString("fs_uniquifier"));
    } finally {
      gateway.close();
    }
  }

  /**
   * The standard's own statements: a role, a user with email, password, active and fs_uniquifier, its
   * confirmation, and the users by {@code active}; emails and fs_uniquifiers stay unique.
   */
  private static void theStandardsQueriesWork(GatewayUnderTest gateway, String tag) {
    String email = tag + "@example.org";
    assertThat(query(gateway, "INSERT INTO auth_role (name, description) VALUES (:name, :description)",
        Map.of("name", "editor-" + tag, "description", "may edit")).status()).isEqualTo(200);
    Map<String, Object> user = Map.of("email", email, "password", "$pbkdf2-sha512$hash", "active", true,
        "fs_uniquifier", tag + "-u");
    String insertUser = "INSERT INTO auth_user (email, password, active, fs_uniquifier)"
        + " VALUES (:email, :password, :active, :fs_uniquifier)";
    Response inserted = query(gateway, insertUser, user);
    assertThat(inserted.status()).as(inserted.body()).isEqualTo(200);
    assertThat(inserted.json().getLong("updated")).isEqualTo(1);
    assertThat(query(gateway, insertUser, Map.of("email", "off." + email, "password", "x", "active", false,
        "fs_uniquifier", tag + "-off")).status()).isEqualTo(200);
    assertThat(query(gateway, "UPDATE auth_user SET confirmed_at = CURRENT_TIMESTAMP WHERE email = :email",
        Map.of("email", email)).json().getLong("updated")).isEqualTo(1);

    Response active = query(gateway, "SELECT * FROM auth_user WHERE active = :active", Map.of("active", true));
    assertThat(active.status()).as(active.body()).isEqualTo(200);
    assertThat(active.json().getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("name")))
        .contains("id", "email", "password", "active", "fs_uniquifier", "confirmed_at")
        .doesNotContain("password_hash");
    List<JsonObject> rows = rowsOf(active);
    assertThat(rows).extracting(row -> row.getString("email")).contains(email).doesNotContain("off." + email);
    JsonObject row = rows.stream().filter(r -> r.getString("email").equals(email)).findFirst().orElseThrow();
    assertThat(row.getString("password")).isEqualTo("$pbkdf2-sha512$hash");
    assertThat(row.getString("fs_uniquifier")).isEqualTo(tag + "-u");
    assertThat(row.getBoolean("active")).isTrue();
    assertThat(row.getString("confirmed_at")).isNotBlank();

    Map<String, Object> sameUniquifier = Map.of("email", "other." + email, "password", "x", "active", true,
        "fs_uniquifier", tag + "-u");
    assertThat(query(gateway, insertUser, sameUniquifier).json().getString("code")).isEqualTo("CONFLICT");
    Map<String, Object> sameEmail = Map.of("email", email, "password", "x", "active", true, "fs_uniquifier", tag + "-2");
    assertThat(query(gateway, insertUser, sameEmail).json().getString("code")).isEqualTo("CONFLICT");
  }

  /** The shipped migrations as they were before V2: every vendor's V1 only. */
  private static Path onlyV1() throws IOException {
    Path root = Files.createTempDirectory("dbgw-v1-");
    try (Stream<Path> v1 = Files.find(Path.of("conf/migrations"), 2,
        (path, attributes) -> path.getFileName().toString().startsWith("V1__"))) {
      for (Path file : v1.toList()) {
        Path copy = root.resolve(Path.of("conf/migrations").relativize(file));
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
    return root;
  }

  private static Response query(GatewayUnderTest gateway, String sql, Map<String, Object> params) {
    return gateway.post("/v1/query", new JsonObject().put("sql", sql).put("params", new JsonObject(params))
        .put("consistency", "strong"));
  }

  private static List<JsonObject> rows(GatewayUnderTest gateway, String sql, Map<String, Object> params) {
    Response response = query(gateway, sql, params);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return rowsOf(response);
  }

  private static List<JsonObject> rowsOf(Response response) {
    JsonArray rows = response.json().getJsonArray("rows");
    return rows.stream().map(JsonObject.class::cast).toList();
  }
}
