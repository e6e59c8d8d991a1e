package io.dbgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real 3-node MariaDB Galera cluster whose nodes each run in a network namespace of their own, on a
 * bridge that {@code scripts/galera-cluster.sh} makes in namespace mode ({@code GALERA_NETNS=1}), with
 * private addresses that exist only inside those namespaces and on that bridge. The host side of the bridge
 * has the subnet's first address, so this JVM reaches the nodes; more namespaces on the same bridge
 * ({@link #netHost}) hold processes a test wants to cut off too. {@link #cut} takes a namespace's link
 * down: its processes run on, and their sockets stay open, as in a real partition.
 *
 * <p>Every name carries a random run id, so a crashed run never gets in the next one's way; {@link #close}
 * (and a shutdown hook, and the next run's {@code net-clean-stale}) ends the processes and deletes the
 * namespaces, links and bridge. Needs root, as CI runs; the servers themselves run as the {@code mysql} user.
 */
public final class NetnsGaleraCluster implements AutoCloseable {

  public static final String INSTALL_HINT = "apt-get install -y iproute2 galera-4 rsync mariadb-server";

  private final Path baseDir;
  private final Thread hook;
  private String hosts;
  private boolean closed;

  private NetnsGaleraCluster(Path baseDir) {
    this.baseDir = baseDir;
    this.hook = new Thread(this::wipe, "netns-galera-wipe");
  }

  /** Makes the namespaces and starts the cluster (all three nodes Synced); fails with the fix if it cannot. */
  public static NetnsGaleraCluster start() {
    requireRootAndIp();
    if (!Files.exists(Path.of("/usr/lib/galera/libgalera_smm.so"))) {
      throw new IllegalStateException("the Galera provider is not installed; install it with:\n" + INSTALL_HINT);
    }
    Path base;
    try {
      base = Files.createTempDirectory("dbgw-netns-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    NetnsGaleraCluster cluster = new NetnsGaleraCluster(base);
    Runtime.getRuntime().addShutdownHook(cluster.hook);
    try {
      cluster.script(60, "net-clean-stale");
      // This JVM owns the run: if it dies without its hook, the next run's net-clean-stale ends what is left.
      GaleraCluster.runScript(base, Map.of("GALERA_NETNS", "1",
          "GALERA_NETNS_OWNER", Long.toString(ProcessHandle.current().pid())), 600, "start");
      cluster.hosts = cluster.script(30, "hosts").strip();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static void requireRootAndIp() {
    try {
      Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String uid = new String(id.getInputStream().readAllBytes()).strip();
      if (!"0".equals(uid)) {
        throw new IllegalStateException("the partition tests make network namespaces (ip netns add), which needs root;"
            + " run them as root, as CI does (uid here: " + uid + ")");
      }
      ip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The path of iproute2's {@code ip}, which a child process's own PATH may not hold. */
  static String ip() {
    for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException("ip is missing; install it with:\n" + INSTALL_HINT);
  }

  /** {@code a1:p1,a2:p2,a3:p3}, as {@code DB_HOST} takes them. */
  public String hosts() {
    return hosts;
  }

  /** Node {@code n}'s {@code address:port} (1-based). */
  public String node(int n) {
    return hosts.split(",")[n - 1];
  }

  /** Which node (1-based) is at {@code hostAndPort}, or 0. */
  public int nodeIndex(String hostAndPort) {
    String[] all = hosts.split(",");
    for (int i = 0; i < all.length; i++) {
      if (all[i].equals(hostAndPort)) {
        return i + 1;
      }
    }
    return 0;
  }

  /** Takes the link of namespace {@code name} ({@code n1}..{@code n3}, {@code g1}..{@code g9}) down. */
  public void cut(String name) {
    script(30, "cut", name);
  }

  /** Brings the link of namespace {@code name} up again. */
  public void heal(String name) {
    script(30, "heal", name);
  }

  /**
   * Cuts namespaces {@code a} and {@code b} off from each other only: each drops what it would send to the
   * other (a blackhole route), and keeps every other link, the bridge and the database nodes included.
   */
  public void cutBetween(Namespace a, Namespace b) {
    route("add", a, b);
    route("add", b, a);
  }

  /** Undoes {@link #cutBetween}. */
  public void healBetween(Namespace a, Namespace b) {
    route("del", a, b);
    route("del", b, a);
  }

  private static void route(String action, Namespace from, Namespace to) {
    List<String> command = List.of(ip(), "netns", "exec", from.name(), ip(), "route", action, "blackhole",
        to.address() + "/32");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A namespace of this run's on the bridge, for a process a test starts in it. */
  public record Namespace(String name, String address) {
    /** {@code command}, run inside this namespace. */
    public List<String> wrap(List<String> command) {
      List<String> wrapped = new ArrayList<>(List.of(ip(), "netns", "exec", name));
      wrapped.addAll(command);
      return wrapped;
    }
  }

  /** Makes namespace {@code name} ({@code g1}..{@code g9}) on the bridge. */
  public Namespace netHost(String name) {
    String[] line = script(30, "net-host", name).strip().split("\\s+");
    return new Namespace(line[line.length - 2], line[line.length - 1]);
  }

  /**
   * {@code wsrep_ready} and {@code wsrep_cluster_status} of node {@code n}, read through its unix socket,
   * so that an isolated node answers too: e.g. {@code "ON Primary"}.
   */
  public String wsrepState(int n) {
    return script(30, "sql", Integer.toString(n), "SELECT MAX(IF(VARIABLE_NAME='WSREP_READY', VARIABLE_VALUE, NULL)),"
        + " MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_STATUS', VARIABLE_VALUE, NULL)),"
        + " MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE', VARIABLE_VALUE, NULL))"
        + " FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN"
        + " ('WSREP_READY','WSREP_CLUSTER_STATUS','WSREP_LOCAL_STATE')").strip().replace('\t', ' ');
  }

  /** A direct connection to node {@code n}; its reads wait for every earlier write (wsrep_sync_wait). */
  public Connection connect(int n) throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://" + node(n) + "/" + GaleraCluster.DATABASE
        + "?connectTimeout=5000&socketTimeout=30000&sessionVariables=wsrep_sync_wait=1", GaleraCluster.USER,
        GaleraCluster.PASSWORD);
  }

  /** How many rows of {@code table} on node {@code n} hold each value of its column {@code k}. */
  public Map<String, Integer> rowsByK(int n, String table) throws SQLException {
    Map<String, Integer> rows = new java.util.HashMap<>();
    try (Connection c = connect(n); java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT k, COUNT(*) FROM " + table + " GROUP BY k")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getInt(2));
      }
    }
    return rows;
  }

  /** The gateway's database settings for this cluster. */
  public Map<String, String> env() {
    return Map.of("DB_TYPE", "mysql", "DB_HOST", hosts, "DB_NAME", GaleraCluster.DATABASE,
        "DB_USER", GaleraCluster.USER, "DB_PASS", GaleraCluster.PASSWORD, "DB_MAX_RETRIES", "3",
        "DB_RETRY_DELAY", "0.2");
  }

  public String status() {
    return script(60, "status");
  }

  public String script(int timeoutSeconds, String... args) {
    return GaleraCluster.runScript(baseDir, Map.of(), timeoutSeconds, args);
  }

  private synchronized void wipe() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // wipe stops the nodes, ends whatever still runs in the namespaces, deletes them and the bridge
      script(300, "wipe");
    } catch (RuntimeException e) {
      System.err.println("netns galera cluster: wipe failed, cleaning the network only: " + e.getMessage());
      try {
        script(60, "net-clean");
      } catch (RuntimeException again) {
        System.err.println("netns galera cluster: net-clean failed too: " + again.getMessage());
      }
    }
  }

  @Override
  public void close() {
    wipe();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs, or ran, the same wipe
    }
  }
}
