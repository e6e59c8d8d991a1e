package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idempotency keys hold across instances (issue #15, item 3): instance A is killed with SIGKILL under
 * keyed write load; every request A did not answer is retried on instance B with its key. A write A
 * committed is replayed by B from its recorded result, never written twice; a write A had not committed
 * is written by B. The keys live in the database, which both instances share.
 */
class ClusterIdempotencyTest {

  private static final String SECRET = "idempotency-write-secret-0123456";
  private static final int CLIENTS = 4;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void keyedWritesUnansweredByAKilledInstanceAreSettledOnAnotherWithNoneLostOrDuplicated() throws Exception {
    ThrowawayPostgres postgres = TestServers.postgres();
    String name = "dbgw-idem-" + Long.toString(System.nanoTime(), 36);
    int[] clusterPorts = {FreePorts.take(), FreePorts.take()};
    int[] httpPorts = {FreePorts.take(), FreePorts.take()};
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1];
    String table = "idem_" + Long.toString(System.nanoTime(), 36);

    try (ChildGateway a = ChildGateway.start(env(postgres, name, members, clusterPorts[0], httpPorts[0]));
        ChildGateway b = ChildGateway.start(env(postgres, name, members, clusterPorts[1], httpPorts[1]))) {
      a.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      b.awaitLine(l -> l.contains("DB Gateway ready"), 180);
      try (Connection sql = postgres.connect(); Statement statement = sql.createStatement()) {
        // No unique constraint: a write made twice would show as two rows.
        statement.execute("CREATE TABLE " + table + " (k TEXT NOT NULL)");
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();

      // Keyed writes on A from a few clients, until A is killed under them.
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      Set<String> unanswered = ConcurrentHashMap.newKeySet();
      AtomicBoolean killed = new AtomicBoolean();
      CountDownLatch warmedUp = new CountDownLatch(CLIENTS * 20);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        Thread thread = new Thread(() -> {
          for (int seq = 0; ; seq++) {
            String key = "c" + client + "-" + seq;
            try {
              HttpResponse<String> answer = insert(http, httpPorts[0], table, key);
              if (answer.statusCode() == 200) {
                acknowledged.add(key);
                warmedUp.countDown();
                continue;
              }
              unanswered.add(key);
            } catch (Exception e) {
              unanswered.add(key);
            }
            if (killed.get()) {
              return; // this client's last request went to the dead instance
            }
          }
        }, "keyed-writer-" + c);
        thread.start();
        clients.add(thread);
      }
      assertThat(warmedUp.await(120, TimeUnit.SECONDS)).as("A answered keyed writes").isTrue();
      killed.set(true);
      a.sigkill();
      for (Thread thread : clients) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(thread.isAlive()).isFalse();
      }
      assertThat(unanswered).as("requests cut off by the kill").isNotEmpty();

      // Every unanswered request, retried on B with its key: answered, once.
      int replayed = 0;
      for (String key : unanswered) {
        HttpResponse<String> answer = insert(http, httpPorts[1], table, key);
        assertThat(answer.statusCode()).as(key + ": " + answer.body()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getInteger("updated")).isEqualTo(1);
        if (answer.headers().firstValue("Idempotent-Replayed").orElse("false").equals("true")) {
          replayed++;
        }
        acknowledged.add(key);
      }
      // A's acknowledged writes retried on B too (a client that lost the answer would): replayed, not redone.
      for (String key : List.copyOf(acknowledged).subList(0, 10)) {
        HttpResponse<String> again = insert(http, httpPorts[1], table, key);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
      }

      Map<String, Integer> rows = new HashMap<>();
      try (Connection sql = postgres.connect(); Statement statement = sql.createStatement();
          ResultSet result = statement.executeQuery("SELECT k, count(*) FROM " + table + " GROUP BY k")) {
        while (result.next()) {
          rows.put(result.getString(1), result.getInt(2));
        }
      }
      assertThat(rows.entrySet()).as("duplicated writes").noneMatch(row -> row.getValue() > 1);
      assertThat(acknowledged).as("lost acknowledged writes").allMatch(rows::containsKey);
      assertThat(rows.keySet()).as("writes nobody sent").allMatch(acknowledged::contains);
      System.out.printf("keyed writes: %d acknowledged, %d unanswered by A, of which %d replayed by B%n",
          acknowledged.size(), unanswered.size(), replayed);
    }
  }

  private static HttpResponse<String> insert(HttpClient http, int port, String table, String key) throws Exception {
    JsonObject body = new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)")
        .put("params", new JsonArray().add(key));
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/query"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + SECRET)
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> env(ThrowawayPostgres postgres, String name, String members, int clusterPort,
      int httpPort) {
    return ClusterEnv.of(postgres, name, members, clusterPort, httpPort, "app:write:" + SECRET);
  }
}
