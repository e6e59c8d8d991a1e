package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue #12 on a gateway process at -Xmx256m: 300 connections each announce a 1 MiB body
 * and send all of it but the last byte. Without a key the gateway never reads those bodies; with one it
 * holds at most its budget (GATEWAY_HTTP_BODIES_IN_FLIGHT_BYTES, a quarter of it per address) and sheds
 * the rest. Either way /health/live keeps answering within a second, and the process lives on.
 */
class BodyFloodTest {

  static final String SECRET = "body-flood-secret-0123456789";
  static final int MIB = 1024 * 1024;

  @TempDir
  Path dir;

  @Test
  void withoutAKeyNoBodyIsHeld() throws Exception {
    flood(null);
  }

  @Test
  void withAKeyTheBodiesHeldStayWithinTheBudget() throws Exception {
    flood("Bearer " + SECRET);
  }

  private void flood(String authorization) throws Exception {
    int port = FreePorts.take();
    try (ChildGateway child = ChildGateway.start(Map.of("DB_TYPE", "sqlite", "DB_NAME", dir.resolve("flood.db").toString(),
        "GATEWAY_HTTP_PORT", Integer.toString(port), "GATEWAY_API_KEYS", "app:write:" + SECRET,
        "GATEWAY_HTTP_MAX_CONNECTIONS", "1000"))) {
      child.awaitLine(l -> l.contains("DB Gateway ready"), 120);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1)).build();
      // The probing client is ready (connected, compiled) before the flood, as a health checker would be.
      for (int warm = 0; warm < 20; warm++) {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());
      }
      ExecutorService senders = Executors.newFixedThreadPool(60);
      List<Socket> sockets = new ArrayList<>();
      try {
        List<Future<?>> sending = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          Socket socket = new Socket("127.0.0.1", port);
          sockets.add(socket);
          sending.add(senders.submit(() -> sendAllButTheLastByte(socket, authorization)));
        }
        long maxHeld = 0;
        for (int probe = 0; probe < 10; probe++) {
          long start = System.nanoTime();
          HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
              .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(live.statusCode()).isEqualTo(200);
          assertThat((System.nanoTime() - start) / 1_000_000).as("/health/live under the flood").isLessThan(1_000);
          maxHeld = Math.max(maxHeld, bodyBytesHeld(http, port));
          Thread.sleep(200);
        }
        assertThat(liveHeapMb(child.pid())).as("the heap after a full GC, during the flood: the gateway's own"
            + " (about 12 MB) and at most the 64 MiB of bodies it may hold").isLessThan(128);
        if (authorization == null) {
          assertThat(maxHeld).as("no body is read without a key").isZero();
        } else {
          assertThat(maxHeld).as("one address holds at most a quarter of the 64 MiB budget").isLessThanOrEqualTo(16L * MIB);
        }
        for (Future<?> sent : sending) {
          sent.get(60, TimeUnit.SECONDS);
        }
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
        senders.shutdownNow();
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (bodyBytesHeld(http, port) > 0 && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      assertThat(bodyBytesHeld(http, port)).as("every body's bytes given back").isZero();
      assertThat(child.isAlive()).isTrue();
      assertThat(child.lines()).noneMatch(line -> line.contains("OutOfMemoryError"));
    }
  }

  /** The headers of a 1 MiB body, then all of it but the last byte; the server may close first. */
  private static Void sendAllButTheLastByte(Socket socket, String authorization) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
          + "Content-Length: " + MIB + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      for (int sent = 0; sent < MIB - 1; sent += chunk.length) {
        out.write(chunk, 0, Math.min(chunk.length, MIB - 1 - sent));
      }
      out.flush();
    } catch (IOException refusedOrClosed) {
      // the gateway answered and closed the connection: the point of the fix
    }
    return null;
  }

  private static long bodyBytesHeld(HttpClient http, int port) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(l -> l.startsWith("dbgateway_http_request_body_bytes "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no dbgateway_http_request_body_bytes in /metrics"));
  }

  /** The heap the process uses after a full GC, in MB, by jcmd. */
  private static long liveHeapMb(long pid) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    run(jcmd, Long.toString(pid), "GC.run");
    String info = run(jcmd, Long.toString(pid), "GC.heap_info");
    // G1 reports the whole heap on one line; the serial and parallel collectors one line per generation.
    long usedKb = 0;
    java.util.regex.Pattern used = java.util.regex.Pattern.compile("used (\\d+)K");
    for (String line : info.lines().toList()) {
      java.util.regex.Matcher m = used.matcher(line);
      if (m.find() && !line.contains("Metaspace") && !line.contains("class space")) {
        usedKb += Long.parseLong(m.group(1));
        if (line.contains("garbage-first heap")) {
          break;
        }
      }
    }
    assertThat(usedKb).as(info).isPositive();
    return usedKb / 1024;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

}
