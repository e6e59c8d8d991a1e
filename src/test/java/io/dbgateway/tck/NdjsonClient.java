package io.dbgateway.tck;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming HTTP/1.1 client on a plain socket. It reads the body only when a test asks for the next
 * line, so a test can stop reading (a slow client) or close the socket mid-stream (a client that goes
 * away). Its receive buffer is small, so the gateway meets back-pressure early.
 */
final class NdjsonClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final int status;
  private final Map<String, String> headers = new HashMap<>();
  private BufferedReader body;

  private NdjsonClient(Socket socket, InputStream in) throws IOException {
    this.socket = socket;
    this.in = in;
    String statusLine = headerLine();
    status = Integer.parseInt(statusLine.split(" ")[1]);
    for (String line = headerLine(); !line.isEmpty(); line = headerLine()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
  }

  /** Sends {@code POST path} with {@code Accept: application/x-ndjson} and reads the status and headers. */
  static NdjsonClient post(int port, String path, JsonObject json, Map<String, String> extraHeaders) {
    try {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(16 * 1024);
      socket.setSoTimeout(120_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      byte[] payload = json.encode().getBytes(StandardCharsets.UTF_8);
      StringBuilder request = new StringBuilder()
          .append("POST ").append(path).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\n")
          .append("Accept: application/x-ndjson\r\n")
          .append("Content-Type: application/json\r\n")
          .append("Content-Length: ").append(payload.length).append("\r\n");
      extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(payload);
      out.flush();
      return new NdjsonClient(socket, socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static NdjsonClient post(int port, JsonObject json) {
    return post(port, "/v1/query", json, Map.of());
  }

  int status() {
    return status;
  }

  /** The answer's headers, names in lower case. */
  Map<String, String> headers() {
    return Map.copyOf(headers);
  }

  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The next line of the body, or null at its end. */
  String readLine() {
    try {
      return body().readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line as JSON, or null at the end of the body. */
  JsonObject readJson() {
    String line = readLine();
    return line == null ? null : new JsonObject(line);
  }

  /** Every line left in the body. */
  List<String> readAll() {
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); line != null; line = readLine()) {
      lines.add(line);
    }
    return lines;
  }

  /** The whole body as one string (for answers that are not streamed, such as a problem). */
  String readBody() {
    return String.join("\n", readAll());
  }

  private BufferedReader body() {
    if (body == null) {
      InputStream content = "chunked".equalsIgnoreCase(header("transfer-encoding"))
          ? new Chunked(in) : new Limited(in, Long.parseLong(headers.getOrDefault("content-length", "0")));
      body = new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8), 1024);
    }
    return body;
  }

  private String headerLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new IOException("the connection closed inside the response head");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A chunked body; the end comes with the zero-length chunk, so a cut stream fails instead of ending. */
  private final class Chunked extends InputStream {
    private final InputStream raw;
    private long left;
    private boolean ended;

    Chunked(InputStream raw) {
      this.raw = raw;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        String size = headerLine();
        left = Long.parseLong(size.split(";")[0].trim(), 16);
        if (left == 0) {
          headerLine(); // the blank line after the last chunk
          ended = true;
          return -1;
        }
      }
      int n = raw.read(buffer, offset, (int) Math.min(length, left));
      if (n == -1) {
        throw new IOException("the stream was cut inside a chunk");
      }
      left -= n;
      if (left == 0) {
        headerLine(); // the CRLF after the chunk's data
      }
      return n;
    }
  }

  private static final class Limited extends InputStream {
    private final InputStream raw;
    private long left;

    Limited(InputStream raw, long length) {
      this.raw = raw;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left == 0) {
        return -1;
      }
      left--;
      return raw.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = raw.read(buffer, offset, (int) Math.min(length, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
