package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.auth.BusCallers;
import io.dbgateway.cluster.HazelcastCluster;
import io.dbgateway.config.ClusterConfig;
import io.dbgateway.config.HostAndPort;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster mode (GATEWAY_CLUSTER=true): two gateways in child JVMs and this test's JVM join one Hazelcast
 * cluster over TCP on loopback. A separate Vert.x member reaches the gateways' operations on the
 * clustered event bus with an API key in a header, as an HTTP client does with a Bearer token; without a
 * key, or with a wrong one, it is refused; a cluster of another name does not reach them at all.
 */
class ClusterModeTest {

  private static final String WRITE_SECRET = "cluster-write-secret-0123456789";
  private static final String READ_SECRET = "cluster-read-secret-0123456789ab";

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aClusterMemberUsesTheGatewaysOperationsWithAKeyAndIsRefusedWithoutOne() throws Exception {
    ThrowawayPostgres postgres = TestServers.postgres();
    String name = "dbgw-test-" + Long.toString(System.nanoTime(), 36);
    int[] clusterPorts = {FreePorts.take(), FreePorts.take(), FreePorts.take()};
    int[] httpPorts = {FreePorts.take(), FreePorts.take()};
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1];
    String table = "cluster_" + Long.toString(System.nanoTime(), 36);

    try (ChildGateway first = ChildGateway.start(env(postgres, name, members, clusterPorts[0], httpPorts[0]));
        ChildGateway second = ChildGateway.start(env(postgres, name, members, clusterPorts[1], httpPorts[1]))) {
      first.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      second.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      try (Connection sql = postgres.connect(); Statement statement = sql.createStatement()) {
        statement.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, note TEXT)");
      }

      Vertx member = ClusterEnv.joinedMember(name, clusterPorts[2], List.of(new HostAndPort("127.0.0.1", clusterPorts[0])));
      try {
        // Both gateways and this member see one cluster of three, in their readiness payload and metrics.
        for (int port : httpPorts) {
          JsonObject cluster = awaitClusterOf(port, 3);
          assertThat(cluster.getString("self")).isNotBlank();
          assertThat(metrics(port)).contains("dbgateway_cluster_members 3.0")
              .contains("dbgateway_cluster_member{member=\"" + cluster.getString("self") + "\"} 1.0");
        }

        // No key: refused, whatever role headers the message claims.
        ReplyException noKey = failure(member, "dbgateway.query", new JsonObject().put("sql", "SELECT 1 AS one"),
            new DeliveryOptions().addHeader("dbgateway-role", "write").addHeader("dbgateway-key-id", "app"));
        assertThat(noKey.failureCode()).isEqualTo(401);
        assertThat(new JsonObject(noKey.getMessage()).getString("detail")).contains(BusCallers.API_KEY_HEADER);

        ReplyException wrongKey = failure(member, "dbgateway.query", new JsonObject().put("sql", "SELECT 1 AS one"),
            key("not-a-key-of-this-gateway-0000000"));
        assertThat(wrongKey.failureCode()).isEqualTo(401);

        // The write key writes; every insert lands once, whichever gateway served it.
        for (int id = 1; id <= 6; id++) {
          JsonObject inserted = member.eventBus().<JsonObject>request("dbgateway.query", new JsonObject()
                  .put("sql", "INSERT INTO " + table + " (id, note) VALUES (?, ?)")
                  .put("params", new JsonArray().add(id).add("from the cluster")), key(WRITE_SECRET))
              .await(30, TimeUnit.SECONDS).body();
          assertThat(inserted.getInteger("updated")).isEqualTo(1);
        }
        try (Connection sql = postgres.connect(); Statement statement = sql.createStatement();
            ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
          rows.next();
          assertThat(rows.getInt(1)).isEqualTo(6);
        }

        // The read key reads, and may not write: the same answers as over HTTP.
        JsonObject read = member.eventBus().<JsonObject>request("dbgateway.query",
                new JsonObject().put("sql", "SELECT count(*) AS n FROM " + table), key(READ_SECRET))
            .await(30, TimeUnit.SECONDS).body();
        assertThat(read.getJsonArray("rows").getJsonObject(0).getLong("n")).isEqualTo(6L);
        ReplyException readWrites = failure(member, "dbgateway.query", new JsonObject()
            .put("sql", "INSERT INTO " + table + " (id) VALUES (99)"), key(READ_SECRET));
        assertThat(readWrites.failureCode()).isEqualTo(403);

        // The example client, a separate JVM, joins and queries with the write key; without a key it is refused.
        String exampleMembers = "127.0.0.1:" + clusterPorts[0];
        Example withKey = example(name, exampleMembers, WRITE_SECRET, "SELECT count(*) AS n FROM " + table);
        assertThat(withKey.exit()).as(withKey.output()).isZero();
        assertThat(withKey.output()).contains("\"n\":6");
        Example withoutKey = example(name, exampleMembers, null, "SELECT 1 AS one");
        assertThat(withoutKey.exit()).as(withoutKey.output()).isEqualTo(1);
        assertThat(withoutKey.output()).contains("problem 401").contains(BusCallers.API_KEY_HEADER);

        // An interactive transaction begun on the first gateway is used and committed through the second
        // and through the bus; the owner does the work.
        String txId = post(httpPorts[0], "/v1/transactions", new JsonObject()).getString("txId");
        assertThat(txId).contains(".");
        post(httpPorts[1], "/v1/query", new JsonObject().put("txId", txId)
            .put("sql", "INSERT INTO " + table + " (id, note) VALUES (100, 'in a transaction')"));
        JsonObject inside = member.eventBus().<JsonObject>request("dbgateway.query", new JsonObject().put("txId", txId)
            .put("sql", "SELECT count(*) AS n FROM " + table), key(WRITE_SECRET)).await(30, TimeUnit.SECONDS).body();
        assertThat(inside.getJsonArray("rows").getJsonObject(0).getLong("n")).isEqualTo(7L);
        assertThat(committedCount(postgres, table)).as("not yet committed").isEqualTo(6);
        JsonObject committed = post(httpPorts[1], "/v1/transactions/" + txId + "/commit", null);
        assertThat(committed.getString("txId")).isEqualTo(txId);
        assertThat(committed.getString("status")).isEqualTo("committed");
        assertThat(committedCount(postgres, table)).isEqualTo(7);
        // Another key may not use it, from any instance: the owner checks.
        String another = post(httpPorts[0], "/v1/transactions", new JsonObject()).getString("txId");
        assertThat(status(httpPorts[1], "/v1/query", READ_SECRET, new JsonObject().put("txId", another)
            .put("sql", "SELECT 1 AS one"))).isEqualTo(404);
        post(httpPorts[1], "/v1/transactions/" + another + "/rollback", null);
        // A transaction id naming a member that takes no operations (this one is no gateway; a gateway that
        // is joining, merging back or leaving looks the same): 503, retry, not the 404 of an instance that left.
        String memberId = ((io.vertx.core.internal.VertxInternal) member).clusterManager().getNodeId();
        HttpResponse<String> notServing = send(httpPorts[1], "/v1/query", WRITE_SECRET, new JsonObject()
            .put("txId", memberId + ".1").put("sql", "SELECT 1 AS one"));
        assertThat(notServing.statusCode()).as(notServing.body()).isEqualTo(503);
        assertThat(notServing.headers().firstValue("Retry-After")).isPresent();
        assertThat(new JsonObject(notServing.body()).getString("detail")).contains("takes no operations now");

        // A key's rate is the cluster's: the two gateways (this member is not one) share its burst of 20.
        int admitted = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
          int status = status(httpPorts[0], "/v1/query", READ_SECRET, new JsonObject().put("sql", "SELECT 1 AS one"));
          admitted += status == 200 ? 1 : 0;
          limited += status == 429 ? 1 : 0;
        }
        assertThat(admitted + limited).isEqualTo(30);
        assertThat(admitted).as("half of the burst, plus what refills at half of 2 a second").isBetween(10, 13);
      } finally {
        member.close().await(30, TimeUnit.SECONDS);
      }

      // A member of a cluster with another name never reaches these gateways.
      Vertx stranger = ClusterEnv.joinedMember(name + "-other", FreePorts.take(),
          List.of(new HostAndPort("127.0.0.1", clusterPorts[0])));
      try {
        ReplyException unreachable = failure(stranger, "dbgateway.query", new JsonObject().put("sql", "SELECT 1"),
            key(WRITE_SECRET).setSendTimeout(5_000));
        assertThat(unreachable.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      } finally {
        stranger.close().await(30, TimeUnit.SECONDS);
      }
      // The member that left no longer counts; the gateways stay ready.
      awaitClusterOf(httpPorts[0], 2);

      // The owner of an open transaction dies: its next use through the other instance is a 404 that says
      // so, and nothing of it committed.
      String orphan = post(httpPorts[0], "/v1/transactions", new JsonObject()).getString("txId");
      post(httpPorts[1], "/v1/query", new JsonObject().put("txId", orphan)
          .put("sql", "INSERT INTO " + table + " (id, note) VALUES (200, 'never committed')"));
      first.sigkill();
      awaitClusterOf(httpPorts[1], 1);
      HttpResponse<String> gone = send(httpPorts[1], "/v1/query", WRITE_SECRET, new JsonObject().put("txId", orphan)
          .put("sql", "SELECT 1 AS one"));
      assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
      assertThat(new JsonObject(gone.body()).getString("detail")).contains("left the cluster").contains("rolled back");
      assertThat(committedCount(postgres, table)).isEqualTo(7);
    }
  }

  private record Example(int exit, String output) {}

  /** examples/cluster-client run as its README says, in a JVM of its own (source-file mode). */
  private static Example example(String name, String members, String key, String sql) throws Exception {
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        "examples/cluster-client/ClusterClient.java", sql).redirectErrorStream(true);
    builder.environment().put("CLUSTER_NAME", name);
    builder.environment().put("CLUSTER_MEMBERS", members);
    builder.environment().put("CLUSTER_HOST", "127.0.0.1");
    builder.environment().put("CLUSTER_PORT", Integer.toString(FreePorts.take()));
    builder.environment().remove("DBGW_API_KEY");
    if (key != null) {
      builder.environment().put("DBGW_API_KEY", key);
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Example(process.exitValue(), output);
  }

  private static JsonObject post(int port, String path, JsonObject body) throws Exception {
    HttpResponse<String> answer = send(port, path, WRITE_SECRET, body);
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  private static int status(int port, String path, String secret, JsonObject body) throws Exception {
    return send(port, path, secret, body).statusCode();
  }

  private static HttpResponse<String> send(int port, String path, String secret, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + secret);
    request = body == null ? request.POST(HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int committedCount(ThrowawayPostgres postgres, String table) throws Exception {
    try (Connection sql = postgres.connect(); Statement statement = sql.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static Map<String, String> env(ThrowawayPostgres postgres, String name, String members, int clusterPort,
      int httpPort) {
    Map<String, String> env = ClusterEnv.of(postgres, name, members, clusterPort, httpPort, "app:write:" + WRITE_SECRET + ",reader:read:" + READ_SECRET);
    env.put("GATEWAY_LIMIT_REQUESTS_PER_SECOND", "2");
    env.put("GATEWAY_LIMIT_BURST", "20");
    return env;
  }

  private static DeliveryOptions key(String secret) {
    return new DeliveryOptions().addHeader(BusCallers.API_KEY_HEADER, secret).setSendTimeout(30_000);
  }

  private static ReplyException failure(Vertx member, String address, JsonObject body, DeliveryOptions options) {
    try {
      member.eventBus().request(address, body, options).await(60, TimeUnit.SECONDS);
    } catch (ReplyException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a ReplyException, got " + e, e);
    }
    throw new AssertionError("expected " + address + " to fail");
  }

  /** The readiness payload's cluster data, once it lists {@code members} members (within 60 s). */
  private static JsonObject awaitClusterOf(int httpPort, int members) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonObject cluster = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      for (Object check : new JsonObject(ready.body()).getJsonArray("checks")) {
        JsonObject c = (JsonObject) check;
        if (c.getString("id").equals("cluster")) {
          cluster = c.getJsonObject("data");
        }
      }
      if (cluster != null && cluster.getJsonArray("members").size() == members) {
        assertThat(cluster.getBoolean("clustered")).isTrue();
        return cluster;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the gateway on port " + httpPort + " did not see " + members + " members: " + cluster);
  }

  private static String metrics(int httpPort) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
