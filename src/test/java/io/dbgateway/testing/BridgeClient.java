package io.dbgateway.testing;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A client of the TCP event-bus bridge over a plain {@link Socket}, speaking the wire protocol by hand:
 * each frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON.
 */
public final class BridgeClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private BridgeClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  public static BridgeClient connect(int port) {
    try {
      return open(new Socket("127.0.0.1", port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connects over TLS, trusting what {@code tls} trusts. */
  public static BridgeClient connectTls(int port, SSLContext tls) {
    try {
      SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      socket.startHandshake();
      return open(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BridgeClient open(Socket socket) throws IOException {
    socket.setSoTimeout(60_000);
    return new BridgeClient(socket);
  }

  /** A {@code send} frame that expects a reply, with a fresh reply address. */
  public static JsonObject sendFrame(String address, JsonObject headers, Object body) {
    return new JsonObject().put("type", "send").put("address", address)
        .put("replyAddress", "client-" + UUID.randomUUID()).put("headers", headers).put("body", body);
  }

  /** Writes {@code frame} and reads the next frame the bridge sends. */
  public JsonObject exchange(JsonObject frame) {
    write(frame);
    return read();
  }

  public void write(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    try {
      out.writeInt(json.length);
      out.write(json);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes raw bytes, such as a length prefix with no frame after it. */
  public void writeRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the bridge closed the connection: the next read finds the end of the stream. */
  public boolean closedByPeer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true; // reset by the peer
    }
  }

  public JsonObject read() {
    try {
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
