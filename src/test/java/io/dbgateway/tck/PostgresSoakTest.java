package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest.Response;
import io.dbgateway.testing.Scrape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * A minute of the soak in {@code bench/soak.sh} (which runs it for ten): on a healthy PostgreSQL with a
 * pool of 10, sixteen clients of one key send the mixed load (60 % point selects, 20 % inserts with an
 * {@code Idempotency-Key}, 10 % batches of 3, 10 % two-statement transactions) while another key runs a
 * slow loop of interactive transactions, leaving one in ten open, and streams 5,000 rows now and then.
 * The database never looks failed: no breaker opens, the only non-2xx answers are the leaking key's 429s
 * and documented shedding, and once the abandoned transactions time out the pool is idle again.
 */
class PostgresSoakTest {

  private static final Duration LOAD = Duration.ofSeconds(60);
  private static final int CLIENTS = 16;
  private static final String APP = "soak-app-secret-0123456789";
  private static final String LEAKY = "soak-leaky-secret-0123456789";

  private final ConcurrentMap<String, LongAdder> answers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1_000_000);

  @Test
  void aMinuteOfMixedLoadWithLeakedTransactionsNeverOpensTheBreakerAndEndsWithAnIdlePool() throws Exception {
    Map<String, String> env = new HashMap<>(Engine.POSTGRESQL.env());
    env.put("DB_POOL_SIZE", "10");
    env.put("GATEWAY_API_KEYS", "app:write:" + APP + ",leaky:write:" + LEAKY);
    env.put("GATEWAY_TX_IDLE_TIMEOUT_MS", "5000"); // the soak's is the default 30 s; a minute needs less
    GatewayUnderTest gw = GatewayUnderTest.start(env);
    try {
      String table = Engine.uniqueTable("soak");
      Response created = gw.post("/v1/query", new JsonObject().put("sql",
          "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, n INT NOT NULL DEFAULT 0)"), bearer(APP));
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      for (int i = 0; i < 100; i++) {
        gw.post("/v1/query", insert(table, i), bearer(APP));
      }
      String node = gw.post("/v1/query", new JsonObject().put("sql", "SELECT 1 AS one"), bearer(APP))
          .json().getString("node");

      long end = System.nanoTime() + LOAD.toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        threads.add(new Thread(() -> {
          while (System.nanoTime() < end) {
            mixed(gw, table);
          }
        }, "soak-client-" + i));
      }
      threads.add(new Thread(() -> leakyLoop(gw, table, end), "soak-leaky"));
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }

      Map<String, Long> seen = new HashMap<>();
      answers.forEach((kind, count) -> seen.put(kind, count.sum()));
      long appOk = seen.getOrDefault("app 2xx", 0L);
      assertThat(appOk).as("the load ran: %s", seen).isGreaterThan(1_000);
      assertThat(seen.keySet()).as("every answer by key and status: %s", seen)
          .allMatch(kind -> kind.endsWith(" 2xx") || kind.equals("leaky 429 RATE_LIMITED")
              || kind.endsWith(" 503 UNAVAILABLE shed"));
      assertThat(seen.getOrDefault("leaky 429 RATE_LIMITED", 0L)).as("the leaking key met its share: %s", seen)
          .isPositive();

      Scrape idle = Scrape.await(gw, s -> s.sum("vertx_pool_in_use", Map.of("pool_type", "sql")) == 0
          && s.value("dbgateway_transactions_open", Map.of()) == 0, 30_000);
      assertThat(idle.sum("vertx_pool_in_use", Map.of("pool_type", "sql"))).as("pool idle").isZero();
      assertThat(idle.value("dbgateway_transactions_open", Map.of())).as("abandoned transactions ended").isZero();
      assertThat(idle.value("dbgateway_breaker_opened_total", Map.of("node", node))).as("breaker openings")
          .isZero();
    } finally {
      gw.close();
    }
  }

  /** One request of the mixed load, counted by its answer. */
  private void mixed(GatewayUnderTest gw, String table) {
    int pick = ThreadLocalRandom.current().nextInt(100);
    Response r;
    if (pick < 60) {
      r = gw.post("/v1/query", new JsonObject().put("sql", "SELECT id, n FROM " + table + " WHERE id = ?")
          .put("params", new JsonArray().add(ThreadLocalRandom.current().nextInt(100))), bearer(APP));
    } else if (pick < 80) {
      Map<String, String> headers = new HashMap<>(bearer(APP));
      headers.put("Idempotency-Key", UUID.randomUUID().toString());
      r = gw.post("/v1/query", insert(table, ids.incrementAndGet()), headers);
    } else if (pick < 90) {
      JsonArray sets = new JsonArray();
      for (int i = 0; i < 3; i++) {
        sets.add(new JsonArray().add(ids.incrementAndGet()));
      }
      r = gw.post("/v1/batch", new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (?)")
          .put("params", sets), bearer(APP));
    } else {
      r = gw.post("/v1/transaction", new JsonObject().put("statements", new JsonArray()
          .add(new JsonObject().put("sql", "UPDATE " + table + " SET n = n + 1 WHERE id = ?")
              .put("params", new JsonArray().add(ThreadLocalRandom.current().nextInt(100))))
          .add(insert(table, ids.incrementAndGet()))), bearer(APP));
    }
    count("app", r);
  }

  /**
   * Interactive transactions one after the other, one in ten left open, and a 5,000-row stream about
   * every 3 s.
   */
  private void leakyLoop(GatewayUnderTest gw, String table, long end) {
    long nextStream = System.nanoTime();
    for (int i = 0; System.nanoTime() < end; i++) {
      Response begun = gw.post("/v1/transactions", new JsonObject(), bearer(LEAKY));
      count("leaky", begun);
      if (begun.status() == 200) {
        String tx = begun.json().getString("txId");
        count("leaky", gw.post("/v1/query", insert(table, ids.incrementAndGet()).put("txId", tx), bearer(LEAKY)));
        if (i % 10 != 9) {
          count("leaky", gw.post("/v1/transactions/" + tx + "/commit", new JsonObject(), bearer(LEAKY)));
        }
      }
      if (System.nanoTime() >= nextStream) {
        Map<String, String> headers = new HashMap<>(bearer(LEAKY));
        headers.put("Accept", "application/x-ndjson");
        Response streamed = gw.post("/v1/query", new JsonObject()
            .put("sql", "SELECT i, md5(i::text) AS name FROM generate_series(1, 5000) AS i").put("maxRows", 5000), headers);
        count("leaky", streamed);
        if (streamed.status() == 200 && streamed.body().lines().count() != 5_002) {
          answers.computeIfAbsent("leaky stream cut short", k -> new LongAdder()).increment();
        }
        nextStream = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      }
      sleep(100);
    }
  }

  private void count(String key, Response r) {
    String kind;
    if (r.status() / 100 == 2) {
      kind = key + " 2xx";
    } else {
      String code = r.body().startsWith("{") ? r.json().getString("code") : "?";
      String detail = r.body().startsWith("{") ? String.valueOf(r.json().getString("detail")) : "";
      // The shedding docs/resilience.md documents: a pool at capacity, or transactions at their share.
      boolean shed = r.status() == 503 && (detail.contains("at capacity") || detail.contains("transactions may hold")
          || detail.contains("GATEWAY_TX_MAX_OPEN"));
      kind = key + " " + r.status() + " " + code + (shed ? " shed" : r.status() == 429 ? "" : " (" + detail + ")");
    }
    answers.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  private static JsonObject insert(String table, long id) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (id) VALUES (?)").put("params", new JsonArray().add(id));
  }

  private static Map<String, String> bearer(String secret) {
    return Map.of("Authorization", "Bearer " + secret);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
