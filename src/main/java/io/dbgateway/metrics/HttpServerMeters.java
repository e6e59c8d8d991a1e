package io.dbgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP server's meters, under the names Vert.x gives them ({@code vertx_http_server_*}), recorded
 * by the gateway instead of Vert.x: Vert.x looks its meters up (and registers a gauge) by building tags
 * for every request, which cost about 2 µs of the event loop a request; these are looked up once per
 * method and status and kept. Every label value comes from a closed set: a method outside the standard
 * ones is {@code OTHER}, and a status is a number the gateway sent.
 */
public final class HttpServerMeters {

  /** The methods that get a label of their own; any other is counted as {@code OTHER}. */
  static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE",
      "CONNECT");
  private static final String OTHER = "OTHER";

  private final MeterRegistry registry;
  /** The response-time timer of each method and status, made on first use (a race makes the same meter twice: harmless). */
  private final Timer[][] responseTimes = new Timer[METHODS.size() + 1][1000];
  private final AtomicLong[] activeRequests = new AtomicLong[METHODS.size() + 1];
  private final AtomicLong activeConnections = new AtomicLong();
  private final Counter bytesRead;
  private final Counter bytesWritten;

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
    for (int i = 0; i < activeRequests.length; i++) {
      AtomicLong active = new AtomicLong();
      activeRequests[i] = active;
      Gauge.builder("vertx.http.server.active.requests", active, AtomicLong::get)
          .description("Number of requests being processed")
          .tag("method", label(i))
          .register(registry);
    }
    Gauge.builder("vertx.http.server.active.connections", activeConnections, AtomicLong::get)
        .description("Number of opened connections to the HTTP server")
        .register(registry);
    bytesRead = Counter.builder("vertx.http.server.bytes.read")
        .description("Number of bytes received by the server (request bodies)").register(registry);
    bytesWritten = Counter.builder("vertx.http.server.bytes.written")
        .description("Number of bytes sent by the server (response bodies)").register(registry);
  }

  /** The label index of {@code method}: its place among {@link #METHODS}, or the last one for any other. */
  public static int methodIndex(String method) {
    int index = METHODS.indexOf(method);
    return index < 0 ? METHODS.size() : index;
  }

  private static String label(int methodIndex) {
    return methodIndex < METHODS.size() ? METHODS.get(methodIndex) : OTHER;
  }

  /** A request began. */
  public void requestBegan(int methodIndex) {
    activeRequests[methodIndex].incrementAndGet();
  }

  /** A request began earlier with {@link #requestBegan} ended, answered {@code status} after {@code nanos}. */
  public void requestEnded(int methodIndex, int status, long nanos, long requestBytes, long responseBytes) {
    activeRequests[methodIndex].decrementAndGet();
    int code = status >= 0 && status < 1000 ? status : 0;
    Timer timer = responseTimes[methodIndex][code];
    if (timer == null) {
      timer = Timer.builder("vertx.http.server.response.time")
          .description("Request processing time")
          .tag("method", label(methodIndex))
          .tag("code", Integer.toString(code))
          .register(registry);
      responseTimes[methodIndex][code] = timer;
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
    bytesRead.increment(requestBytes);
    bytesWritten.increment(responseBytes);
  }

  public void connectionOpened() {
    activeConnections.incrementAndGet();
  }

  public void connectionClosed() {
    activeConnections.decrementAndGet();
  }
}
