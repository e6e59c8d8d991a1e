package io.dbgateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

/**
 * A real 3-node MariaDB Galera cluster on loopback, run by {@code scripts/galera-cluster.sh} in a
 * temporary folder. One per test JVM, started on first use and wiped when the JVM exits.
 */
public final class GaleraCluster {

  public static final String INSTALL_HINT = "apt-get install -y galera-4 rsync mariadb-server";
  public static final List<Integer> SQL_PORTS = List.of(3311, 3312, 3313);
  public static final String USER = "gateway";
  public static final String PASSWORD = "gateway";
  public static final String DATABASE = "test";

  private static GaleraCluster instance;
  private static RuntimeException startFailure;

  private final Path baseDir;

  private GaleraCluster(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** The cluster, started (and Synced on all three nodes) on first use. */
  public static synchronized GaleraCluster get() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (instance == null) {
      try {
        if (!Files.exists(Path.of("/usr/lib/galera/libgalera_smm.so"))) {
          throw new IllegalStateException("the Galera provider is not installed; install it with:\n" + INSTALL_HINT);
        }
        GaleraCluster cluster = new GaleraCluster(Files.createTempDirectory("dbgw-test-galera-"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.script(300, "wipe")));
        cluster.script(300, "start");
        instance = cluster;
      } catch (IOException e) {
        startFailure = new IllegalStateException(e);
        throw startFailure;
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return instance;
  }

  /** {@code h1:p1,h2:p2,h3:p3}, as {@code DB_HOST} takes it. */
  public String hosts() {
    return String.join(",", SQL_PORTS.stream().map(p -> "127.0.0.1:" + p).toList());
  }

  public void killNode(int n) {
    script(60, "kill-node", Integer.toString(n));
  }

  public void startNode(int n) {
    script(300, "start-node", Integer.toString(n));
  }

  public void bootstrapNode(int n) {
    script(120, "bootstrap-node", Integer.toString(n));
  }

  public String status() {
    return script(60, "status");
  }

  /** A direct connection to node {@code n} (1-based). */
  public Connection connect(int n) throws SQLException {
    return connectToPort(SQL_PORTS.get(n - 1));
  }

  /** A direct connection to the node on {@code port}; its reads wait for every earlier write (wsrep_sync_wait). */
  public Connection connectToPort(int port) throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE
        + "?connectTimeout=5000&sessionVariables=wsrep_sync_wait=1", USER, PASSWORD);
  }

  /** Runs the cluster script; fails with its output when it fails. */
  public String script(int timeoutSeconds, String... args) {
    return runScript(baseDir, java.util.Map.of(), timeoutSeconds, args);
  }

  /**
   * Runs {@code scripts/galera-cluster.sh} on the cluster in {@code baseDir}, with {@code env} added to its
   * environment; fails with its output when it fails.
   */
  static String runScript(Path baseDir, java.util.Map<String, String> env, int timeoutSeconds, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("bash", "scripts/galera-cluster.sh"));
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile("galera-script", ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().put("GALERA_BASE_DIR", baseDir.toString());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("galera-cluster.sh " + String.join(" ", args) + " took over "
            + timeoutSeconds + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.deleteIfExists(output);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("galera-cluster.sh " + String.join(" ", args) + " failed (exit "
            + process.exitValue() + "); if Galera is missing: " + INSTALL_HINT + "\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern STATUS = Pattern.compile(
      "^node(\\d) .*?pid=\\S+ (running|stopped)(?: state=(\\S+) cluster=(\\S+) size=(\\d+))?", Pattern.MULTILINE);

  /** One line of {@code galera-cluster.sh status}. */
  private record NodeStatus(int node, boolean running, String state, String cluster, int size) {
    boolean synced() {
      return running && state != null && state.startsWith("Synced") && "Primary".equals(cluster) && size == 3;
    }
  }

  private Map<Integer, NodeStatus> nodeStatus() {
    Map<Integer, NodeStatus> nodes = new LinkedHashMap<>();
    Matcher m = STATUS.matcher(status());
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      nodes.put(n, new NodeStatus(n, "running".equals(m.group(2)), m.group(3), m.group(4),
          m.group(5) == null ? 0 : Integer.parseInt(m.group(5))));
    }
    return nodes;
  }

  /**
   * Brings the cluster back to 3 Synced nodes, whatever a test left: no desync, every stopped node
   * started, quorum bootstrapped on a survivor if it was lost, the whole cluster started if none runs.
   */
  public void restore() {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    Map<Integer, NodeStatus> nodes = Map.of();
    for (int round = 0; round < 12 && System.nanoTime() < end; round++) {
      nodes = nodeStatus();
      for (NodeStatus n : nodes.values()) {
        if (n.running()) {
          try {
            script(60, "sql", Integer.toString(n.node()), "SET GLOBAL wsrep_desync = OFF");
          } catch (RuntimeException e) {
            // a node that is still starting: the next round tries again
          }
        }
      }
      if (nodes.size() == 3 && nodes.values().stream().allMatch(NodeStatus::synced)) {
        return;
      }
      List<NodeStatus> running = nodes.values().stream().filter(NodeStatus::running).toList();
      try {
        if (running.isEmpty()) {
          script(600, "start");
        } else if (running.stream().noneMatch(n -> "Primary".equals(n.cluster()))) {
          bootstrapNode(running.get(0).node());
        } else {
          for (NodeStatus n : nodes.values()) {
            if (!n.running()) {
              startNode(n.node());
            }
          }
          Await.sleep(1_000);
        }
      } catch (RuntimeException e) {
        System.out.println("restoring the cluster: " + e.getMessage());
        Await.sleep(2_000);
      }
    }
    throw new AssertionError("the cluster is not back to 3 Synced nodes: " + nodes + "\n" + status());
  }
}
