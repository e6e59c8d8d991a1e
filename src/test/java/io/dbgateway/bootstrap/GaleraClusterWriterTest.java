package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.Await;
import io.dbgateway.testing.GaleraCluster;
import io.dbgateway.testing.Scrape;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three gateway JVMs in one cluster over the suite's real 3-node Galera cluster (docs/cluster.md, "One
 * Galera writer"). The instances are configured to disagree: the second one's writer priority is the reverse
 * of the others', so of any two nodes it would choose the other one, and a writer it chose on its own would
 * show up in the answers' {@code node}.
 *
 * <ol>
 *   <li>Keyed writes through every instance, the writer node SIGKILLed under them: every keyed write is
 *       answered 200, none is lost or written twice, and the instances write to one node at a time, read
 *       from the answers' {@code node} and from each instance's {@code dbgateway_galera_writer} gauge.</li>
 *   <li>The second instance is frozen (SIGSTOP) past the cluster's failure detector, the writer is killed
 *       while it is frozen, then it is thawed (SIGCONT): it does not write to a writer of its own choice
 *       (its rule would pick the other survivor); it answers with no writer until it has the cluster's again.</li>
 * </ol>
 */
class GaleraClusterWriterTest {

  private static final String SECRET = "galera-writer-secret-0123456789a";
  private static final List<String> NODES = GaleraCluster.SQL_PORTS.stream().map(p -> "127.0.0.1:" + p).toList();
  /** Each instance's GATEWAY_GALERA_WRITER_PRIORITY: the second prefers the nodes in the reverse order. */
  private static final List<List<String>> PRIORITIES = List.of(NODES, List.of(NODES.get(2), NODES.get(1), NODES.get(0)), NODES);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void everyInstanceWritesToTheOneSharedWriterThroughAKillAndAFrozenInstanceKeepsNoWriterOfItsOwn() throws Exception {
    GaleraCluster cluster = GaleraCluster.get();
    cluster.restore();
    String name = "dbgw-galera-" + Long.toString(System.nanoTime(), 36);
    int[] clusterPorts = {FreePorts.take(), FreePorts.take(), FreePorts.take()};
    int[] httpPorts = {FreePorts.take(), FreePorts.take(), FreePorts.take()};
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1] + ",127.0.0.1:" + clusterPorts[2];
    String table = "writer_" + Long.toString(System.nanoTime(), 36);
    ChildGateway[] gateways = new ChildGateway[3];
    try {
      // One after another, each once it has joined the cluster: three JVMs joining at once on 2 busy cores can
      // take longer than the 60 s a join may take. (None is ready before a majority has joined.)
      for (int i = 0; i < 3; i++) {
        gateways[i] = ChildGateway.start(env(cluster, name, members, clusterPorts[i], httpPorts[i],
            String.join(",", PRIORITIES.get(i))));
        gateways[i].awaitLine(l -> l.contains("Members {size:"), 240);
      }
      for (ChildGateway gateway : gateways) {
        gateway.awaitLine(l -> l.contains("DB Gateway ready"), 240);
      }
      // The first writer: the choice of whichever instance proposed first (they prefer different nodes).
      until(60, () -> agreed(httpPorts) != null);
      String oldWriter = agreed(httpPorts);
      assertThat(send(httpPorts[0], "/v1/query", new JsonObject().put("sql", "CREATE TABLE " + table
          + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, KEY (k))"), null).status()).isEqualTo(200);

      // 1. Keyed writes through all three; the writer is killed under them. The second instance would choose
      // the other survivor than the first and third would: all must follow the one that is proposed first.
      Sampler sampler = new Sampler(httpPorts);
      List<Writer> writers = new ArrayList<>();
      for (int g = 0; g < 3; g++) {
        for (int c = 0; c < 2; c++) {
          writers.add(new Writer(httpPorts[g], table, "w" + g + c));
        }
      }
      writers.forEach(Writer::start);
      sampler.start();
      String newWriter;
      try {
        until(240, () -> writers.stream().allMatch(w -> w.acks.size() >= 5));
        long killed = System.nanoTime();
        cluster.killNode(index(oldWriter));
        until(240, () -> writers.stream().allMatch(w -> w.acks.stream()
            .filter(a -> !a.replayed() && a.answered() > killed && !a.node().equals(oldWriter)).count() >= 5));
      } finally {
        writers.forEach(Writer::stop);
        for (Writer w : writers) {
          w.thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        sampler.stop();
      }
      List<Ack> acks = writers.stream().flatMap(w -> w.acks.stream()).sorted((a, b) -> Long.compare(a.answered(), b.answered()))
          .toList();
      List<Answer> answers = writers.stream().flatMap(w -> w.answers.stream()).toList();
      Map<Integer, Long> statuses = answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new,
          Collectors.counting()));
      List<String> writtenOn = acks.stream().filter(a -> !a.replayed()).map(Ack::node).distinct().toList();
      System.out.printf("galera cluster writer: %d keyed writes through 3 instances, answers by status %s, %d replayed;"
          + " written on %s in that order; writers seen in each instance's metrics: %s%n", acks.size(), statuses,
          acks.stream().filter(Ack::replayed).count(), writtenOn, sampler.sequences());
      assertThat(writers).allSatisfy(w -> assertThat(w.unresolved).as("keys %s gave up on", w.prefix).isEmpty());
      // Keyed writes never see the failover (issue #15): one that reached the dead writer is settled on the
      // new one, and one that arrives while the survivors re-form waits for their writer
      // (GaleraMonitor.REFORMING_POLLS). Every answer is a 200.
      assertThat(answers).as("keyed answers by status " + statuses).allMatch(a -> a.status() == 200, "200");
      assertThat(writtenOn).as("the nodes that ran the writes, in order").hasSize(2).startsWith(oldWriter);
      newWriter = writtenOn.get(1);
      // One writer at a time: every write the old writer ran was answered before the first one the new writer ran.
      long lastOnOld = acks.stream().filter(a -> !a.replayed() && a.node().equals(oldWriter)).mapToLong(Ack::answered)
          .max().orElseThrow();
      long firstOnNew = acks.stream().filter(a -> !a.replayed() && a.node().equals(newWriter)).mapToLong(Ack::answered)
          .min().orElseThrow();
      assertThat(lastOnOld).as("the old writer's last answer comes before the new writer's first").isLessThan(firstOnNew);
      // And each instance's gauge named the old writer, then (after a moment with none) the new one, never another.
      sampler.sequences().forEach((port, sequence) -> assertThat(sequence).as("writers in the metrics of %s", port)
          .containsExactly(oldWriter, newWriter));
      List<String> keys = acks.stream().map(Ack::key).toList();
      assertThat(keys).doesNotHaveDuplicates();
      for (int n = 1; n <= 3; n++) {
        if (n == index(oldWriter)) {
          continue; // down until it is restarted below
        }
        Map<String, Integer> rows = rows(cluster, n, table);
        int node = n;
        assertThat(rows.keySet()).as("keys on node %d", n).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(rows).allSatisfy((k, count) -> assertThat(count).as("rows of %s on node %d", k, node).isEqualTo(1));
      }

      // 2. The old writer rejoins (the writer stays where it is, unless the state transfer made it a donor for a
      // moment: no failback in cluster mode). The second instance is frozen past the failure detector, and the
      // writer dies while it is frozen: the others move to the survivor they prefer, and the second instance,
      // thawed, would prefer the other one.
      cluster.startNode(index(oldWriter));
      until(240, () -> allEligible(httpPorts[0]) && agreed(httpPorts) != null);
      String writer = agreed(httpPorts);
      List<String> survivors = NODES.stream().filter(n -> !n.equals(writer)).toList();
      String othersChoice = PRIORITIES.get(0).stream().filter(survivors::contains).findFirst().orElseThrow();
      String frozensChoice = PRIORITIES.get(1).stream().filter(survivors::contains).findFirst().orElseThrow();
      assertThat(frozensChoice).isNotEqualTo(othersChoice);
      signal("STOP", gateways[1].pid());
      Sampler thawed = new Sampler(new int[] {httpPorts[1]});
      Ack firstAfterThaw;
      try {
        until(120, () -> members(httpPorts[0]) == 2);
        cluster.killNode(index(writer));
        Answer moved = Await.until("a write through another instance", () -> send(httpPorts[0], "/v1/query",
            insert(table, "moved"), "moved-" + table), a -> a.status() == 200, 90_000);
        assertThat(moved.body().getString("node")).as("the others' new writer").isEqualTo(othersChoice);
      } finally {
        signal("CONT", gateways[1].pid());
      }
      thawed.start();
      Writer afterThaw = new Writer(httpPorts[1], table, "t1");
      afterThaw.start();
      try {
        until(240, () -> afterThaw.acks.stream().filter(a -> !a.replayed()).count() >= 10);
        firstAfterThaw = afterThaw.acks.get(0);
      } finally {
        afterThaw.stop();
        afterThaw.thread.join(TimeUnit.MINUTES.toMillis(2));
        thawed.stop();
      }
      List<String> thawedSamples = thawed.samples(httpPorts[1]);
      gateways[1].lines().stream().filter(l -> l.contains("Galera") || l.contains("galera") || l.contains("Members {")
          || l.contains("merge") || l.contains("paused")).forEach(l -> System.out.println("thawed instance: " + l));
      System.out.printf("galera cluster writer: the thawed instance answered %s (first after %.2f s, on %s); its"
          + " writer over time: %s; refusals seen: %s%n", afterThaw.answers.stream().collect(Collectors.groupingBy(
              Answer::status, TreeMap::new, Collectors.counting())), (firstAfterThaw.answered() - afterThaw.started) / 1e9,
          firstAfterThaw.node(), thawed.sequences().get(httpPorts[1]), thawed.refusals);
      assertThat(afterThaw.answers).as("keyed answers of the thawed instance").allMatch(a -> a.status() == 200);
      assertThat(afterThaw.acks).as("writes through the thawed instance run on the cluster's writer, not on %s",
          frozensChoice).allMatch(a -> a.node().equals(othersChoice));
      assertThat(thawedSamples).as("the thawed instance's writer: none, then the cluster's, never its own")
          .allMatch(w -> w.isEmpty() || w.equals(othersChoice));
      assertThat(thawed.sequences().get(httpPorts[1])).as("its writers in order").containsExactly(othersChoice);
      assertThat(thawedSamples.get(0)).as("right after SIGCONT it has no writer: it was paused").isEmpty();
      assertThat(rows(cluster, index(othersChoice), table).get("moved")).isEqualTo(1);
    } finally {
      for (ChildGateway gateway : gateways) {
        if (gateway != null) {
          gateway.close();
        }
      }
      cluster.restore();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, String> env(GaleraCluster cluster, String name, String members, int clusterPort,
      int httpPort, String priority) {
    Map<String, String> env = ClusterEnv.of(name, members, clusterPort, httpPort, "app:write:" + SECRET);
    env.put("DB_TYPE", "mysql");
    env.put("DB_HOST", cluster.hosts());
    env.put("DB_NAME", GaleraCluster.DATABASE);
    env.put("DB_USER", GaleraCluster.USER);
    env.put("DB_PASS", GaleraCluster.PASSWORD);
    env.put("DB_MAX_RETRIES", "3");
    env.put("DB_RETRY_DELAY", "0.2");
    env.put("GATEWAY_GALERA_POLL_MS", "1000");
    env.put("GATEWAY_BREAKER_RESET_TIMEOUT_MS", "1000");
    env.put("GATEWAY_GALERA_WRITER_PRIORITY", priority);
    return env;
  }

  /** The writer every instance's readiness names, or null while they do not all name the same one. */
  private String agreed(int[] ports) {
    Set<String> writers = new TreeSet<>();
    for (int port : ports) {
      writers.add(String.valueOf(galera(port).getString("writer")));
    }
    return writers.size() == 1 && !writers.contains("null") ? writers.iterator().next() : null;
  }

  /** Whether the instance on {@code port} finds every node eligible. */
  private boolean allEligible(int port) {
    return galera(port).getJsonArray("nodes").stream().map(JsonObject.class::cast).allMatch(n -> n.getBoolean("eligible"));
  }

  private static int index(String node) {
    return NODES.indexOf(node) + 1;
  }

  private JsonObject galera(int port) {
    return check(port, "galera");
  }

  private int members(int port) {
    return check(port, "cluster").getJsonArray("members").size();
  }

  private JsonObject check(int port, String id) {
    Answer ready = get(port, "/health/ready");
    for (Object check : ready.body().getJsonArray("checks", new JsonArray())) {
      JsonObject c = (JsonObject) check;
      if (id.equals(c.getString("id"))) {
        return c.getJsonObject("data", new JsonObject());
      }
    }
    throw new AssertionError("no " + id + " check in " + ready.body().encode());
  }

  private static Map<String, Integer> rows(GaleraCluster cluster, int n, String table) throws Exception {
    Map<String, Integer> rows = new HashMap<>();
    try (Connection c = cluster.connect(n); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT k, COUNT(*) FROM " + table + " GROUP BY k")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getInt(2));
      }
    }
    return rows;
  }

  private static JsonObject insert(String table, String key) {
    return new JsonObject().put("sql", "INSERT INTO " + table + " (k) VALUES (?)").put("params", new JsonArray().add(key));
  }

  record Answer(int status, JsonObject body, boolean replayed, long answered) {}

  record Ack(String key, String node, boolean replayed, long answered) {}

  private Answer send(int port, String path, JsonObject body, String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + SECRET)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return exchange(request.build());
  }

  private Answer get(int port, String path) {
    return exchange(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).GET().build());
  }

  private Answer exchange(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonObject json;
      try {
        json = new JsonObject(response.body());
      } catch (RuntimeException e) {
        json = new JsonObject().put("raw", response.body());
      }
      return new Answer(response.statusCode(), json, response.headers().firstValue("Idempotent-Replayed").isPresent(),
          System.nanoTime());
    } catch (java.io.IOException e) {
      return new Answer(-1, new JsonObject().put("error", e.toString()), false, System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * One client writing through one instance, one keyed INSERT after another: a new key after a 200, the
   * same key again after anything else (the test then fails: keyed writes must not see errors).
   */
  private final class Writer {
    final String prefix;
    final int port;
    final String table;
    final List<Ack> acks = new CopyOnWriteArrayList<>();
    final List<Answer> answers = new CopyOnWriteArrayList<>();
    final List<String> unresolved = new CopyOnWriteArrayList<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread = new Thread(this::run);
    final long started = System.nanoTime();
    private final AtomicLong seq = new AtomicLong();

    Writer(int port, String table, String prefix) {
      this.port = port;
      this.table = table;
      this.prefix = prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      stop.set(true);
    }

    private void run() {
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
      while (!stop.get() && System.nanoTime() < end) {
        String key = prefix + "-" + seq.getAndIncrement();
        boolean done = false;
        for (int attempt = 0; !done && attempt < 50; attempt++) {
          Answer a = send(port, "/v1/query", insert(table, key), key);
          answers.add(a);
          if (a.status() == 200) {
            acks.add(new Ack(key, a.body().getString("node"), a.replayed(), a.answered()));
            done = true;
          } else {
            Await.sleep(200);
          }
        }
        if (!done) {
          unresolved.add(key);
          return;
        }
      }
    }
  }

  /** Reads each instance's writer from its metrics ({@code dbgateway_galera_writer}) every 100 ms. */
  private final class Sampler {
    final int[] ports;
    final Map<Integer, List<String>> samples = new java.util.concurrent.ConcurrentHashMap<>();
    final Set<String> refusals = java.util.Collections.synchronizedSet(new TreeSet<>());
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread = new Thread(this::run);

    Sampler(int[] ports) {
      this.ports = ports;
      for (int port : ports) {
        samples.put(port, new CopyOnWriteArrayList<>());
      }
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(30_000);
    }

    private void run() {
      while (!stop.get()) {
        for (int port : ports) {
          Answer metrics = exchange(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
              .timeout(Duration.ofSeconds(20)).GET().build());
          if (metrics.status() != 200) {
            continue;
          }
          Scrape scrape = new Scrape(metrics.body().getString("raw"));
          String writer = scrape.samples("dbgateway_galera_writer", Map.of()).stream()
              .filter(s -> s.value() == 1.0).map(s -> s.labels().get("node")).collect(Collectors.joining(","));
          samples.get(port).add(writer);
          if (writer.isEmpty() && ports.length == 1) {
            String refusal = galera(port).getString("reason");
            if (refusal != null) {
              refusals.add(refusal.replaceAll("[0-9]+ ms", "N ms"));
            }
          }
        }
        Await.sleep(100);
      }
    }

    List<String> samples(int port) {
      return List.copyOf(samples.get(port));
    }

    /** Each instance's writers in the order its metrics named them, with repeats and moments of none left out. */
    Map<Integer, List<String>> sequences() {
      Map<Integer, List<String>> sequences = new TreeMap<>();
      samples.forEach((port, list) -> {
        List<String> sequence = new ArrayList<>();
        for (String writer : list) {
          if (!writer.isEmpty() && (sequence.isEmpty() || !sequence.get(sequence.size() - 1).equals(writer))) {
            sequence.add(writer);
          }
        }
        sequences.put(port, sequence);
      });
      return sequences;
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  /** Waits (at most {@code seconds}) until {@code condition} holds, asking it every 200 ms or so. */
  private static void until(int seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    Await.until("the condition", () -> {
      boolean holds = condition.call();
      if (!holds) {
        Thread.sleep(200);
      }
      return holds;
    }, Boolean::booleanValue, seconds * 1000L);
  }
}
