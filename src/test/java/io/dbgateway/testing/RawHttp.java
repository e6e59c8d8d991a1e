package io.dbgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** HTTP on a raw socket, as an attacker writes it: every byte and header the test's own. */
public final class RawHttp {

  private RawHttp() {}

  /**
   * What the server sends until it closes the connection, or until {@code enough} holds for what came;
   * a read past the socket's timeout fails.
   */
  public static String read(Socket socket, Predicate<String> enough) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        all.write(chunk, 0, n);
        if (enough.test(all.toString(StandardCharsets.ISO_8859_1))) {
          break;
        }
      }
    } catch (SocketException reset) {
      // closed by the server while bytes were still in flight: closed all the same
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /** Everything the server sends until it closes the connection. */
  public static String readUntilClosed(Socket socket) throws IOException {
    return read(socket, text -> false);
  }
}
