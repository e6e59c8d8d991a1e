package io.dbgateway.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The gateway in a child JVM, with stdout and stderr merged and collected line by line. */
final class ChildGateway implements AutoCloseable {

  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath();

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ChildGateway(Process process) {
    this.process = process;
    this.reader = new Thread(this::pump, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildGateway start(Map<String, String> env) throws IOException {
    return start(env, List.of());
  }

  /** Starts the gateway with extra JVM options, such as {@code -Dlogback.configurationFile=...}. */
  static ChildGateway start(Map<String, String> env, List<String> jvmOptions) throws IOException {
    return start(env, jvmOptions, UnaryOperator.identity());
  }

  /**
   * Starts the gateway's command as {@code wrap} makes it, such as inside a network namespace
   * ({@code ip netns exec <ns> java ...}, which execs, so the pid is still the JVM's).
   */
  static ChildGateway start(Map<String, String> env, List<String> jvmOptions, UnaryOperator<List<String>> wrap)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayApplication.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(wrap.apply(command))
        .directory(PROJECT_ROOT.toFile())
        .redirectErrorStream(true);
    builder.environment().clear();
    String path = System.getenv("PATH");
    builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
    builder.environment().putAll(env);
    return new ChildGateway(builder.start());
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  /**
   * Sends SIGTERM. Not {@link Process#destroy()}: that also closes our end of the child's output, so
   * nothing the child logs while it shuts down would be seen.
   */
  void sigterm() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -TERM").isZero();
  }

  /** Sends SIGKILL: the process ends at once, its sockets closed by the kernel, nothing of it flushed. */
  void sigkill() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -KILL").isZero();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  int waitForExit(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("the gateway did not exit within " + seconds + " s; output:\n"
          + String.join("\n", lines()));
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  String awaitLine(Predicate<String> wanted, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    synchronized (lines) {
      while (true) {
        for (String line : lines) {
          if (wanted.test(line)) {
            return line;
          }
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
          throw new AssertionError("no such line within " + seconds + " s (alive: " + process.isAlive()
              + "); output:\n" + String.join("\n", lines));
        }
        lines.wait(Math.min(left, 200));
      }
    }
  }

  /** Closes each of {@code gateways} that was started (null entries are skipped). */
  static void closeAll(ChildGateway... gateways) throws InterruptedException {
    for (ChildGateway gateway : gateways) {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
