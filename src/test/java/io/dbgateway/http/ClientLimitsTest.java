package io.dbgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.tck.GatewayUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client can hold of the HTTP server before and while it is authenticated (issue #12): a body
 * is never read for a request without a valid key; bodies in flight are bounded per process and per
 * address; a body or a header that stops arriving is cut off; connections are capped. Raw sockets, as an
 * attacker would write them; engine-independent, so on SQLite.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientLimitsTest {

  static final String SECRET = "client-limits-secret-0123";
  static final int MIB = 1024 * 1024;

  @TempDir
  static Path dir;
  GatewayUnderTest gateway;

  @BeforeAll
  void start() {
    gateway = GatewayUnderTest.start(env(Map.of(
        "GATEWAY_HTTP_BODIES_IN_FLIGHT_BYTES", Integer.toString(4 * MIB),
        "GATEWAY_HTTP_BODY_TIMEOUT_MS", "700",
        "GATEWAY_HTTP_HEADER_TIMEOUT_MS", "700",
        "GATEWAY_HTTP_MAX_CONNECTIONS", "40")));
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  private Map<String, String> env(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(HttpAuthTest.sqlite(dir.resolve("limits.db"), Map.of(
        "GATEWAY_API_KEYS", "app:write:" + SECRET)));
    env.putAll(more);
    return env;
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", gateway.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String head(int contentLength, String authorization) {
    return "POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "Content-Length: " + contentLength + "\r\n\r\n";
  }

  private static String readUntilClosed(Socket socket) throws IOException {
    return io.dbgateway.testing.RawHttp.readUntilClosed(socket);
  }

  @Test
  void aRequestWithoutAValidKeyIsRefusedFromItsHeadersAndItsBodyIsNeverRead() throws IOException {
    for (String authorization : new String[] {null, "Bearer not-a-key-at-all-0123", "Basic dXNlcjpwYXNz"}) {
      try (Socket socket = connect()) {
        send(socket, head(MIB, authorization)); // and not one byte of the body
        String answer = readUntilClosed(socket);
        // 401 from the headers, the connection closed: not a 408 after waiting for the body
        assertThat(answer).as("%s", authorization).startsWith("HTTP/1.1 401").containsIgnoringCase("connection: close");
      }
    }
    assertThat(gateway.clients().bodyBytesHeld()).isZero();
  }

  @Test
  void bodiesInFlightAreBoundedPerAddressAndTheBytesComeBack() throws IOException {
    // One address may hold a quarter of the 4 MiB: one whole 1 MiB body. A second one waits for nothing: 503.
    try (Socket first = connect(); Socket second = connect()) {
      send(first, head(MIB, "Bearer " + SECRET));
      send(first, "{\"sql\":\"SELECT 1 AS one\",\"pad\":\""); // part of the body
      long until = System.nanoTime() + 5_000_000_000L;
      while (gateway.clients().bodyBytesHeld() < MIB && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertThat(gateway.clients().bodyBytesHeld()).as("the first body's bytes are taken").isEqualTo(MIB);

      send(second, head(MIB, "Bearer " + SECRET));
      String refused = readUntilClosed(second);
      assertThat(refused).startsWith("HTTP/1.1 503").contains("Retry-After").contains("GATEWAY_HTTP_BODIES_IN_FLIGHT_BYTES");
    }
    long until = System.nanoTime() + 5_000_000_000L;
    while (gateway.clients().bodyBytesHeld() > 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(gateway.clients().bodyBytesHeld()).as("given back once the requests are gone").isZero();
  }

  @Test
  void aBodyThatStopsArrivingIsAnswered408AndTheConnectionClosed() throws IOException {
    try (Socket socket = connect()) {
      send(socket, head(100, "Bearer " + SECRET) + "{\"sql\":");
      long start = System.nanoTime();
      String answer = readUntilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("GATEWAY_HTTP_BODY_TIMEOUT_MS");
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 5_000L);
    }
    assertThat(gateway.clients().bodyBytesHeld()).isZero();
  }

  @Test
  void aTricklingHeaderDoesNotKeepItsConnection() throws Exception {
    try (Socket socket = connect()) {
      long start = System.nanoTime();
      send(socket, "POST /v1/query HTTP/1.1\r\n");
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        Thread.sleep(100);
        try {
          send(socket, "X-Trickle-" + i + ": a\r\n");
        } catch (IOException e) {
          closed = true;
        }
        socket.setSoTimeout(1);
        try {
          closed = closed || socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // not closed yet
        } catch (IOException e) {
          closed = true;
        }
      }
      assertThat(closed).as("closed while headers still trickled in").isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
    }
  }

  @Test
  void aKeptAliveConnectionGetsTheSameTimeForItsNextRequest() throws Exception {
    try (Socket socket = connect()) {
      String body = "{\"sql\":\"SELECT 1 AS one\"}";
      send(socket, head(body.length(), "Bearer " + SECRET) + body);
      byte[] answer = new byte[12];
      assertThat(socket.getInputStream().readNBytes(answer, 0, 12)).isEqualTo(12);
      assertThat(new String(answer, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
      // then nothing: the connection is closed once the header time has passed
      long start = System.nanoTime();
      readUntilClosed(socket);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }
  }

  @Test
  void connectionsPastTheCapAreClosedAtOnceAndTheOthersStillServe() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        held.add(connect());
      }
      int closedAtOnce = 0;
      for (Socket socket : held) {
        socket.setSoTimeout(300);
        try {
          if (socket.getInputStream().read() < 0) {
            closedAtOnce++;
          }
        } catch (java.net.SocketTimeoutException open) {
          // kept, waiting for its request
        } catch (IOException reset) {
          closedAtOnce++;
        }
      }
      assertThat(closedAtOnce).as("the 20 past GATEWAY_HTTP_MAX_CONNECTIONS (40)").isGreaterThanOrEqualTo(20);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    Thread.sleep(300);
    assertThat(gateway.get("/health/live").status()).isEqualTo(200);
  }
}
