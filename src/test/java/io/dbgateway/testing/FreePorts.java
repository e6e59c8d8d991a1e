package io.dbgateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts, taken below the kernel's ephemeral range.
 *
 * <p>A port the kernel hands out for {@code bind(0)} is an ephemeral one: between the moment a test learns
 * it and the moment its server binds it, any outgoing connection on the machine may take it as its local
 * port. A CI run saw that: a gateway's HTTP port went to one of Hazelcast's member connections, and the
 * gateway could not start. Ports below {@code ip_local_port_range} are never given to outgoing connections,
 * so only a server can hold one; each is checked free before it is handed out, and never handed out twice
 * by one JVM.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final int[] RANGE = range();
  private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(RANGE[1] - RANGE[0]));

  private FreePorts() {}

  /** A port that no socket holds now, outside the ephemeral range. */
  public static int take() {
    int size = RANGE[1] - RANGE[0];
    for (int tried = 0; tried < size; tried++) {
      int port = RANGE[0] + Math.floorMod(NEXT.getAndIncrement(), size);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + RANGE[0] + ".." + RANGE[1]);
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port)); // the wildcard address: free on every interface
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** [from, to): below the ephemeral range when there is room, above it otherwise. */
  private static int[] range() {
    int low = 32_768;
    int high = 60_999;
    // Read line by line: Files.readString trusts the size /proc reports and may return a single byte.
    try (java.io.BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      String[] bounds = in.readLine().trim().split("\\s+");
      int readLow = Integer.parseInt(bounds[0]);
      int readHigh = Integer.parseInt(bounds[1]);
      low = readLow;
      high = readHigh;
    } catch (IOException | RuntimeException unknown) {
      // the usual Linux default
    }
    return low - LOWEST >= 2_000 ? new int[] {LOWEST, low} : new int[] {high + 1, 65_536};
  }
}
