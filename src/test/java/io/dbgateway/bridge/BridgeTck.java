package io.dbgateway.bridge;

import io.dbgateway.testing.FreePorts;
import static io.dbgateway.testing.BridgeClient.sendFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.api.Addresses;
import io.dbgateway.auth.Caller;
import io.dbgateway.auth.Role;
import io.dbgateway.tck.Engine;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.BridgeClient;
import io.dbgateway.testing.LogCapture;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The TCP event-bus bridge, spoken over a raw socket: the operations work and answer as on the bus,
 * nothing else is reachable, and with API keys every frame is authenticated as its key's caller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BridgeTck {

  private static final String WRITE_SECRET = "bridge-write-secret";
  private static final String READ_SECRET = "bridge-read-secret";
  private static final String NAMED_SECRET = "bridge-named-secret";

  protected abstract Engine engine();

  private GatewayUnderTest open;
  private int openPort;
  private GatewayUnderTest keyed;
  private int keyedPort;

  @BeforeAll
  void startGateways() {
    openPort = FreePorts.take();
    open = GatewayUnderTest.start(env(openPort, Map.of()));
    keyedPort = FreePorts.take();
    keyed = GatewayUnderTest.start(env(keyedPort,
        Map.of("GATEWAY_API_KEYS", "bw:write:" + WRITE_SECRET + ",br:read:" + READ_SECRET + ",bn:named:" + NAMED_SECRET)));
  }

  @AfterAll
  void stopGateways() {
    open.close();
    keyed.close();
  }

  private Map<String, String> env(int bridgePort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(engine().env());
    env.put("GATEWAY_EVENTBUS_BRIDGE_PORT", Integer.toString(bridgePort));
    env.putAll(extra);
    return env;
  }

  private static JsonObject sql(String sql, Object... params) {
    return new JsonObject().put("sql", sql).put("params", new JsonArray(List.of(params)));
  }

  private static JsonObject bearer(String secret) {
    return new JsonObject().put("authorization", "Bearer " + secret);
  }

  /** A message frame that answers {@code request}, or fails with the frame that came instead. */
  private static JsonObject replyBody(JsonObject request, JsonObject reply) {
    assertThat(reply.getString("type")).as("reply %s", reply.encode()).isEqualTo("message");
    assertThat(reply.getString("address")).isEqualTo(request.getString("replyAddress"));
    return reply.getJsonObject("body");
  }

  /** Sends one operation and answers its reply's body; fails if the bridge answers anything else. */
  private static JsonObject call(BridgeClient client, JsonObject headers, String address, JsonObject body) {
    JsonObject request = sendFrame(address, headers, body);
    return replyBody(request, client.exchange(request));
  }

  private static int count(BridgeClient client, JsonObject headers, String table) {
    return call(client, headers, Addresses.QUERY, sql("SELECT COUNT(*) AS n FROM " + table))
        .getJsonArray("rows").getJsonObject(0).getInteger("n");
  }

  private static JsonObject problemOf(JsonObject request, JsonObject err, int status) {
    assertThat(err.getString("type")).as("reply %s", err.encode()).isEqualTo("err");
    assertThat(err.getString("address")).isEqualTo(request.getString("replyAddress"));
    assertThat(err.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
    assertThat(err.getInteger("failureCode")).isEqualTo(status);
    JsonObject problem = new JsonObject(err.getString("message"));
    assertThat(problem.getInteger("status")).isEqualTo(status);
    return problem;
  }

  private static void assertAccessDenied(JsonObject err) {
    assertThat(err.getString("type")).as("reply %s", err.encode()).isEqualTo("err");
    assertThat(err.getString("message")).isEqualTo("access_denied");
  }

  @Test
  void queryBatchAndTransactionWorkOverTheBridge() {
    String table = Engine.uniqueTable("bridge");
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      JsonObject create = sendFrame(Addresses.QUERY, new JsonObject(),
          sql("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name VARCHAR(20))"));
      replyBody(create, client.exchange(create));

      JsonObject batch = sendFrame(Addresses.BATCH, new JsonObject(), new JsonObject()
          .put("sql", "INSERT INTO " + table + " (id, name) VALUES (?, ?)")
          .put("params", new JsonArray().add(new JsonArray().add(1).add("one")).add(new JsonArray().add(2).add("two"))));
      assertThat(replyBody(batch, client.exchange(batch)).getJsonArray("updated")).containsExactly(1, 1);

      JsonObject tx = sendFrame(Addresses.TRANSACTION, new JsonObject(), new JsonObject().put("statements",
          new JsonArray().add(sql("UPDATE " + table + " SET name = ? WHERE id = ?", "uno", 1))));
      assertThat(replyBody(tx, client.exchange(tx)).getJsonArray("results")).hasSize(1);

      JsonObject select = sendFrame(Addresses.QUERY, new JsonObject(),
          sql("SELECT id, name FROM " + table + " WHERE id > ? ORDER BY id", 0));
      JsonObject result = replyBody(select, client.exchange(select));
      assertThat(result.getJsonArray("rows")).containsExactly(
          new JsonObject().put("id", 1).put("name", "uno"), new JsonObject().put("id", 2).put("name", "two"));
      assertThat(result.getInteger("rowCount")).isEqualTo(2);
    }
  }

  @Test
  void interactiveTransactionsAndNamedQueriesWorkOverTheBridge() {
    String table = Engine.uniqueTable("bridge_tx");
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      call(client, new JsonObject(), Addresses.QUERY, sql("CREATE TABLE " + table + " (id INTEGER)"));
      String txId = call(client, new JsonObject(), Addresses.TX_BEGIN, new JsonObject()).getString("txId");
      call(client, new JsonObject(), Addresses.QUERY, sql("INSERT INTO " + table + " (id) VALUES (?)", 1).put("txId", txId));
      assertThat(call(client, new JsonObject(), Addresses.TX_ROLLBACK, new JsonObject().put("txId", txId))
          .getString("status")).isEqualTo("rolledBack");
      JsonObject commit = sendFrame(Addresses.TX_COMMIT, new JsonObject(), new JsonObject().put("txId", txId));
      assertThat(problemOf(commit, client.exchange(commit), 404).getString("code")).isEqualTo("NOT_FOUND");

      assertThat(count(client, new JsonObject(), table)).isZero();

      assertThat(call(client, new JsonObject(), Addresses.NAMED, new JsonObject().put("name", "users.by_email")
          .put("params", new JsonObject().put("email", "nobody@example.org"))).getInteger("rowCount")).isZero();
    }
  }

  @Test
  void aFailingQueryAnswersAnErrorFrameWhoseCodeIsTheStatusAndWhoseMessageIsTheProblem() {
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      JsonObject request = sendFrame(Addresses.QUERY, new JsonObject(), sql("SELECT * FROM no_such_table_bridge"));
      JsonObject problem = problemOf(request, client.exchange(request), 400);
      assertThat(problem.getString("code")).isEqualTo("SQL_ERROR");
      assertThat(problem.getString("type")).isEqualTo("urn:dbgateway:error:sql-error");
      assertThat(problem.getString("detail")).containsIgnoringCase("no_such_table_bridge");

      JsonObject notAnObject = sendFrame(Addresses.QUERY, new JsonObject(), "SELECT 1");
      assertThat(problemOf(notAnObject, client.exchange(notAnObject), 400).getString("code")).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void internalAndUnknownAddressesAreRefused() {
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      for (String address : List.of(Addresses.PING, "dbgateway.internal.anything", "some.random.address", "dbgateway")) {
        assertAccessDenied(client.exchange(sendFrame(address, new JsonObject(), new JsonObject())));
      }
      // Nothing goes out to bridge clients but the replies to their own requests.
      assertAccessDenied(client.exchange(new JsonObject().put("type", "register").put("address", Addresses.QUERY)));
      assertAccessDenied(client.exchange(new JsonObject().put("type", "unregister").put("address", Addresses.QUERY)));
      assertThat(client.exchange(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      // The connection still serves operations after a refusal.
      JsonObject ok = sendFrame(Addresses.QUERY, new JsonObject(), sql("SELECT 2 AS two"));
      assertThat(replyBody(ok, client.exchange(ok)).getJsonArray("rows")).containsExactly(new JsonObject().put("two", 2));
    }
  }

  /**
   * A frame larger than an HTTP body may be (GATEWAY_HTTP_MAX_BODY_BYTES, 1 MiB) is refused from its
   * length alone, before any of it is read or held: a 413 error frame, then the connection closes.
   */
  @Test
  void aFrameLargerThanTheBodyLimitIsRefusedAndTheConnectionClosed() {
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      int announced = 64 * 1024 * 1024;
      client.writeRaw(java.nio.ByteBuffer.allocate(4).putInt(announced).array());
      JsonObject err = client.read();
      assertThat(err.getString("type")).as(err.encode()).isEqualTo("err");
      assertThat(err.getInteger("failureCode")).isEqualTo(413);
      JsonObject problem = new JsonObject(err.getString("message"));
      assertThat(problem.getString("code")).isEqualTo("TOO_LARGE");
      assertThat(problem.getString("detail")).contains(Integer.toString(announced)).contains("1048576");
      assertThat(client.closedByPeer()).as("the connection is closed").isTrue();
    }
    // Frames within the limit still work, on a new connection.
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      String big = "x".repeat(512 * 1024);
      JsonObject ok = sendFrame(Addresses.QUERY, new JsonObject(), sql("SELECT ? AS big", big));
      assertThat(replyBody(ok, client.exchange(ok)).getJsonArray("rows").getJsonObject(0).getString("big")).hasSize(big.length());
    }
  }

  @Test
  void malformedFramesAnswerAnErrorFrameAndTheConnectionGoesOn() {
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      JsonObject noAddress = client.exchange(new JsonObject().put("type", "send").put("body", sql("SELECT 1 AS one")));
      assertThat(noAddress.getString("type")).isEqualTo("err");
      assertThat(noAddress.getString("message")).isEqualTo("missing_address");
      JsonObject capitals = client.exchange(new JsonObject().put("type", "SEND").put("address", Addresses.QUERY)
          .put("body", sql("SELECT 1 AS one")));
      assertThat(capitals.getString("message")).isEqualTo("unknown_type");
      JsonObject numericType = client.exchange(new JsonObject().put("type", 7).put("address", Addresses.QUERY));
      assertThat(numericType.getString("message")).isEqualTo("unknown_type");
      assertThat(client.exchange(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void aFrameThatNamesAMemberTwiceIsRefused() {
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      byte[] twice = ("{\"type\":\"send\",\"address\":\"" + Addresses.QUERY + "\",\"replyAddress\":\"r1\","
          + "\"body\":{\"sql\":\"SELECT 1 AS one\",\"sql\":\"SELECT 2 AS two\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.writeRaw(java.nio.ByteBuffer.allocate(4 + twice.length).putInt(twice.length).put(twice).array());
      JsonObject err = client.read();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("message")).startsWith("duplicate_member").contains("body.sql");
      assertThat(client.exchange(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void aFrameThatIsNotJsonAnswersAnErrorFrameAndTheConnectionGoesOn() {
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      byte[] junk = "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.writeRaw(java.nio.ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk).array());
      JsonObject err = client.read();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("message")).isEqualTo("invalid_json");
      assertThat(client.exchange(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void publishIsRefusedAndRunsNothing() {
    String table = Engine.uniqueTable("bridge_pub");
    try (BridgeClient client = BridgeClient.connect(openPort)) {
      call(client, new JsonObject(), Addresses.QUERY, sql("CREATE TABLE " + table + " (id INTEGER)"));

      JsonObject refused = client.exchange(new JsonObject().put("type", "publish").put("address", Addresses.QUERY)
          .put("body", sql("INSERT INTO " + table + " (id) VALUES (1)")));
      assertThat(refused.getString("type")).isEqualTo("err");

      assertThat(count(client, new JsonObject(), table)).isZero();
    }
  }

  @Test
  void withKeysAFrameWithoutAKeyIsRefused() {
    try (BridgeClient client = BridgeClient.connect(keyedPort)) {
      JsonObject request = sendFrame(Addresses.QUERY, new JsonObject(), sql("SELECT 1 AS one"));
      assertThat(problemOf(request, client.exchange(request), 401).getString("code")).isEqualTo("UNAUTHORIZED");
      JsonObject notBearer = sendFrame(Addresses.QUERY, new JsonObject().put("authorization", WRITE_SECRET),
          sql("SELECT 1 AS one"));
      assertThat(problemOf(notBearer, client.exchange(notBearer), 401).getString("code")).isEqualTo("UNAUTHORIZED");
    }
  }

  @Test
  void withKeysAWrongKeyIsRefusedAndTheRightOneWorks() {
    try (BridgeClient client = BridgeClient.connect(keyedPort)) {
      JsonObject wrong = sendFrame(Addresses.QUERY, bearer(WRITE_SECRET + "x"), sql("SELECT 1 AS one"));
      JsonObject problem = problemOf(wrong, client.exchange(wrong), 401);
      assertThat(problem.getString("code")).isEqualTo("UNAUTHORIZED");
      assertThat(problem.encode()).doesNotContain(WRITE_SECRET);

    }
    queryOverBridge(keyedPort, bearer(WRITE_SECRET));
  }

  /** The headers of every message that reached the query address while {@code action} ran. */
  private static List<MultiMap> queryHeadersDuring(GatewayUnderTest gateway, Runnable action) {
    List<MultiMap> seen = new CopyOnWriteArrayList<>();
    Handler<DeliveryContext<Object>> spy = delivery -> {
      if (delivery.message().address().equals(Addresses.QUERY)) {
        seen.add(MultiMap.caseInsensitiveMultiMap().addAll(delivery.message().headers()));
      }
      delivery.next();
    };
    gateway.vertx().eventBus().addInboundInterceptor(spy);
    try {
      action.run();
    } finally {
      gateway.vertx().eventBus().removeInboundInterceptor(spy);
    }
    return seen;
  }

  private static void queryOverBridge(int port, JsonObject headers) {
    try (BridgeClient client = BridgeClient.connect(port)) {
      JsonObject request = sendFrame(Addresses.QUERY, headers, sql("SELECT 1 AS one"));
      assertThat(replyBody(request, client.exchange(request)).getJsonArray("rows")).containsExactly(new JsonObject().put("one", 1));
    }
  }

  @Test
  void aForgedCallerHeaderDoesNotChangeTheCaller() {
    JsonObject forged = bearer(READ_SECRET)
        .put(Caller.ROLE_HEADER, "write").put("DBGateway-Role", "write").put(Caller.KEY_ID_HEADER, "bw");
    List<MultiMap> seen = queryHeadersDuring(keyed, () -> queryOverBridge(keyedPort, forged));
    assertThat(seen).hasSize(1);
    MultiMap headers = seen.get(0);
    assertThat(headers.getAll(Caller.ROLE_HEADER)).containsExactly("read");
    assertThat(headers.getAll(Caller.KEY_ID_HEADER)).containsExactly("br");
    assertThat(Caller.from(headers)).isEqualTo(new Caller("br", Role.READ));
    assertThat(headers.contains("authorization")).as("the secret stays off the bus").isFalse();
  }

  @Test
  void theKeysRoleIsEnforcedWhateverRoleTheFrameClaims() {
    String table = Engine.uniqueTable("bridge_roles");
    JsonObject claimsWrite = new JsonObject().put(Caller.ROLE_HEADER, "write").put(Caller.KEY_ID_HEADER, "bw");
    try (BridgeClient client = BridgeClient.connect(keyedPort)) {
      call(client, bearer(WRITE_SECRET), Addresses.QUERY, sql("CREATE TABLE " + table + " (id INTEGER)"));

      JsonObject named = sendFrame(Addresses.QUERY, bearer(NAMED_SECRET).mergeIn(claimsWrite),
          sql("INSERT INTO " + table + " (id) VALUES (1)"));
      assertThat(problemOf(named, client.exchange(named), 403).getString("code")).isEqualTo("FORBIDDEN");

      JsonObject read = sendFrame(Addresses.QUERY, bearer(READ_SECRET).mergeIn(claimsWrite),
          sql("INSERT INTO " + table + " (id) VALUES (2)"));
      assertThat(problemOf(read, client.exchange(read), 403).getString("code")).isEqualTo("FORBIDDEN");

      assertThat(count(client, bearer(READ_SECRET), table)).isZero();
    }
  }

  @Test
  void withoutKeysTheCallerIsAnonymousWhateverTheFrameSays() {
    JsonObject forged = new JsonObject().put(Caller.KEY_ID_HEADER, "bw").put(Caller.ROLE_HEADER, "read");
    List<MultiMap> seen = queryHeadersDuring(open, () -> queryOverBridge(openPort, forged));
    assertThat(seen).hasSize(1);
    assertThat(Caller.from(seen.get(0))).isEqualTo(Caller.ANONYMOUS);
  }

  @Test
  void theBridgeIsOffWhenItsPortIsUnset() {
    try (LogCapture log = LogCapture.attach(EventBusBridgeVerticle.class)) {
      GatewayUnderTest without = GatewayUnderTest.start(engine().env());
      try {
        assertThat(without.get("/health/live").status()).isEqualTo(200);
        assertThat(log.messagesSince(0)).isEmpty();
      } finally {
        without.close();
      }
      int port = FreePorts.take();
      GatewayUnderTest with = GatewayUnderTest.start(env(port, Map.of()));
      try {
        assertThat(log.messagesSince(0)).isNotEmpty().allMatch(("event-bus bridge listening on 127.0.0.1:" + port)::equals);
      } finally {
        with.close();
      }
    }
  }
}
