package io.dbgateway.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Clients that each send one keyed write after another through the gateways, each write with its own
 * {@code Idempotency-Key}: a new key after a 200, the same key again after anything else (another status,
 * a connection error, a timeout), to the next gateway of the list, until it is acknowledged. Bounded in
 * time (8 minutes) and in attempts.
 */
public final class KeyedWriters {

  /** An answer: its status ({@code -1} for no answer: refused, reset, timed out), when it was sent and came. */
  public record Answer(String key, String gateway, int status, String node, boolean replayed, long sent,
      long answered, String body) {}

  private final List<String> gateways;
  private final String secret;
  private final int clients;
  private final BiFunction<Integer, String, JsonObject> body;
  private final String prefix = "kw-" + Long.toString(System.nanoTime(), 36);
  private final HttpClient http;
  private final Duration requestTimeout;
  private final List<Answer> acks = new CopyOnWriteArrayList<>();
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final List<String> unresolved = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong seq = new AtomicLong();
  private final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);

  /**
   * @param gateways base URLs ({@code http://host:port}); client {@code i} starts on gateway {@code i mod n}
   * @param secret the Bearer key, or null
   * @param body the request of client {@code c} for key {@code k}, sent to {@code /v1/query}
   */
  public KeyedWriters(List<String> gateways, String secret, int clients, Duration requestTimeout,
      BiFunction<Integer, String, JsonObject> body) {
    this.gateways = List.copyOf(gateways);
    this.secret = secret;
    this.clients = clients;
    this.requestTimeout = requestTimeout;
    this.body = body;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
        .build();
  }

  public void start() {
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> run(client), "keyed-writer-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(int client) {
    int gateway = client % gateways.size();
    while (!stop.get() && System.nanoTime() < deadline) {
      String key = prefix + "-" + client + "-" + seq.getAndIncrement();
      JsonObject request = body.apply(client, key);
      boolean done = false;
      for (int attempt = 0; !done && System.nanoTime() < deadline && attempt < 1_000; attempt++) {
        Answer a = send(gateways.get(gateway), key, request);
        answers.add(a);
        if (a.status() == 200) {
          acks.add(a);
          done = true;
        } else {
          gateway = (gateway + 1) % gateways.size();
          pause(100);
        }
      }
      if (!done) {
        unresolved.add(key);
        return;
      }
    }
  }

  private Answer send(String gateway, String key, JsonObject request) {
    long sent = System.nanoTime();
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway + "/v1/query")).timeout(requestTimeout)
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(request.encode()));
    if (secret != null) {
      builder.header("Authorization", "Bearer " + secret);
    }
    try {
      HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      String node = null;
      if (response.statusCode() == 200) {
        node = new JsonObject(response.body()).getString("node");
      }
      return new Answer(key, gateway, response.statusCode(), node,
          "true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(null)), sent, System.nanoTime(),
          response.body());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Answer(key, gateway, -1, null, false, sent, System.nanoTime(), e.toString());
    }
  }

  /** Waits ({@code limit} at most) until {@code count} acknowledged writes match {@code test}; answers those. */
  public List<Answer> awaitAcks(Predicate<Answer> test, int count, Duration limit) throws Exception {
    Await.until(count + " acknowledged writes that match", () -> acks.stream().filter(test).count()
        + " (answers so far: " + statusCounts() + ")", seen -> Long.parseLong(seen.split(" ")[0]) >= count,
        limit.toMillis());
    return acks.stream().filter(test).limit(count).toList();
  }

  /** Stops sending new keys; each client first resends its last key until it is acknowledged. */
  public void stopAndResolve(Duration limit) throws InterruptedException {
    stop.set(true);
    long end = System.nanoTime() + limit.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " still had a key without a 200 after " + limit + "; answers "
            + statusCounts());
      }
    }
  }

  public List<Answer> acks() {
    return List.copyOf(acks);
  }

  public List<Answer> answers() {
    return List.copyOf(answers);
  }

  public List<String> unresolved() {
    return List.copyOf(unresolved);
  }

  /** Answers that were not a 200 (no answer at all counts as -1). */
  public long non2xx() {
    return answers.stream().filter(a -> a.status() < 200 || a.status() > 299).count();
  }

  public Map<Integer, Long> statusCounts() {
    return answers.stream().collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
