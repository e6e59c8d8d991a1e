package io.dbgateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ports tests start servers on lie outside the range the kernel gives outgoing connections. */
class FreePortsTest {

  @Test
  void portsAreFreeDistinctAndOutsideTheEphemeralRange() throws Exception {
    String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
    int low = Integer.parseInt(range[0]);
    int high = Integer.parseInt(range[1]);
    Set<Integer> taken = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.take();
      assertThat(port < low || port > high).as("port %d against the ephemeral range %d-%d", port, low, high).isTrue();
      assertThat(taken.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int port = FreePorts.take();
    try (ServerSocket server = new ServerSocket(port)) {
      assertThat(server.getLocalPort()).isEqualTo(port);
    }
  }
}
