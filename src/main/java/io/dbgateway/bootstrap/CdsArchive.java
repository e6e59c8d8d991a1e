package io.dbgateway.bootstrap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes the gateway's AppCDS archive (class data sharing): starts the jar once with
 * {@code -XX:ArchiveClassesAtExit}, on a throwaway SQLite file, waits until it is ready, sends it the
 * usual first requests, and stops it with SIGTERM; on the way out the JVM writes every class it loaded,
 * already parsed and verified, into the archive. A gateway started with
 * {@code -XX:SharedArchiveFile=<archive>} maps those classes instead of loading them again: on SQLite
 * it is ready in about 1.0 s instead of 1.7 s, with a third less CPU (docs/benchmarks.md, "Start-up").
 * The build runs it after packaging the jar ({@code pom.xml}), the Docker image in its runtime stage.
 *
 * <pre>java -cp db-gateway.jar io.dbgateway.bootstrap.CdsArchive [--optional] &lt;jar&gt; &lt;archive&gt;</pre>
 *
 * <p>Run it from the folder the gateway will run from (it reads {@code conf/} there), and give the jar
 * exactly as the gateway will be started: the archive records that path, and the JVM that made it. With
 * {@code --optional}, a failure is a warning and no archive (the jar runs the same without one);
 * otherwise it exits 1.
 */
public final class CdsArchive {

  private static final Duration READY_WITHIN = Duration.ofSeconds(120);
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(120);

  private CdsArchive() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean optional = rest.remove("--optional");
    if (rest.size() != 2) {
      System.err.println("usage: java -cp db-gateway.jar " + CdsArchive.class.getName() + " [--optional] <jar> <archive>");
      System.exit(2);
    }
    Path archive = Path.of(rest.get(1));
    try {
      long bytes = make(rest.get(0), archive);
      System.out.printf("AppCDS archive %s written (%d MB); start the gateway with: java -XX:SharedArchiveFile=%s -jar %s%n",
          archive, bytes >> 20, archive, rest.get(0));
    } catch (Exception e) {
      Files.deleteIfExists(archive);
      System.err.println((optional ? "WARNING: no AppCDS archive (the jar runs without one, only slower to start): "
          : "no AppCDS archive: ") + e.getMessage());
      System.exit(optional ? 0 : 1);
    }
  }

  /** Answers the archive's size. */
  static long make(String jar, Path archive) throws Exception {
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IOException("no jar at " + Path.of(jar).toAbsolutePath());
    }
    Files.deleteIfExists(archive);
    Path work = Files.createTempDirectory("db-gateway-cds");
    Path log = work.resolve("gateway.log");
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + archive, "-jar", jar)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    // Only this run's settings: none of the caller's database, keys or JVM options.
    env.keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("GATEWAY_") || name.equals("JAVA_TOOL_OPTIONS")
        || name.equals("JDK_JAVA_OPTIONS") || name.equals("_JAVA_OPTIONS"));
    env.put("DB_TYPE", "sqlite");
    env.put("DB_NAME", work.resolve("training.db").toString());
    env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
    env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
    // This client keeps its connections open, and the gateway would wait the whole drain time for them.
    env.put("GATEWAY_SHUTDOWN_DRAIN_MS", "1000");
    Process gateway = builder.start();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitReady(http, base, gateway, log);
      train(http, base);
      gateway.destroy(); // SIGTERM: the gateway drains, closes and exits 0, and the JVM writes the archive
      if (!gateway.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        throw new IOException("the gateway did not stop within " + EXIT_WITHIN.toSeconds() + " s of SIGTERM" + tail(log));
      }
      if (gateway.exitValue() != 0) {
        throw new IOException("the gateway exited with " + gateway.exitValue() + " on SIGTERM" + tail(log));
      }
      if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
        throw new IOException("the JVM wrote no archive at " + archive + tail(log));
      }
      return Files.size(archive);
    } finally {
      if (gateway.isAlive()) {
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      delete(work);
    }
  }

  private static void awaitReady(HttpClient http, String base, Process gateway, Path log) throws Exception {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!gateway.isAlive()) {
        throw new IOException("the gateway exited with " + gateway.exitValue() + " during start-up" + tail(log));
      }
      if (status(http, HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET()) == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("the gateway was not ready within " + READY_WITHIN.toSeconds() + " s" + tail(log));
  }

  /**
   * What a gateway usually answers first: health checks, reads and writes, a named query, a transaction,
   * an error. The answers do not matter, only that the code behind them ran and its classes were loaded.
   */
  private static void train(HttpClient http, String base) {
    for (int i = 0; i < 3; i++) {
      status(http, get(base + "/health/ready"));
      status(http, get(base + "/health/live"));
      status(http, post(base + "/v1/query", "{\"sql\":\"SELECT 1 AS one\"}"));
      status(http, post(base + "/v1/query", "{\"sql\":\"SELECT ? AS v, :n AS n\",\"params\":{\"n\":1}}"));
      status(http, post(base + "/v1/query", "{\"sql\":\"SELECT ? AS v\",\"params\":[\"text\"]}"));
      status(http, post(base + "/v1/query",
          "{\"sql\":\"UPDATE auth_user SET active = ? WHERE email = ?\",\"params\":[true,\"nobody@example.com\"]}"));
      status(http, post(base + "/v1/queries/users.by_email", "{\"params\":{\"email\":\"nobody@example.com\"}}"));
      status(http, post(base + "/v1/batch", "{\"sql\":\"SELECT ? AS v\",\"params\":[[1],[2]]}"));
      status(http, post(base + "/v1/transaction", "{\"statements\":[{\"sql\":\"SELECT 1\"}]}"));
      status(http, post(base + "/v1/query", "{\"sql\":\"SELECT * FROM no_such_table\"}"));
      status(http, post(base + "/v1/query", "not json"));
      status(http, get(base + "/metrics"));
    }
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).GET();
  }

  private static HttpRequest.Builder post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
  }

  /** The answer's status, or -1 when there was none (not listening yet, timed out). */
  private static int status(HttpClient http, HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The end of the gateway's output, to say why it failed (without the JVM's notes on archiving). */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(line -> !line.matches("^\\[[^]]*\\]\\[[a-z]+ *\\]\\[cds.*")).toList();
      return "; its last lines:\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
