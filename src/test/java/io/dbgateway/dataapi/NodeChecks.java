package io.dbgateway.dataapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node.js scripts of one package under {@code src/test/node}, whose dependencies (pinned in
 * its lockfile) are installed with {@code npm ci} the first time, and again whenever the lockfile is
 * newer than the install; {@code --prefer-offline} lets later installs work from npm's cache.
 */
final class NodeChecks {

  /** The bare AWS SDK ({@code @aws-sdk/client-rds-data}). */
  static final NodeChecks SDK = new NodeChecks(Path.of("src", "test", "node", "data-api"));
  /** Data API client libraries and ORMs (Drizzle, kysely-data-api, data-api-client, TypeORM). */
  static final NodeChecks CLIENTS = new NodeChecks(Path.of("src", "test", "node", "clients"));

  /** The exit code and everything the script printed. */
  record Result(int exitCode, String output) {}

  private final Path dir;
  private boolean installed;

  private NodeChecks(Path dir) {
    this.dir = dir;
  }

  synchronized void install() throws IOException, InterruptedException {
    if (installed) {
      return;
    }
    Path lock = dir.resolve("package-lock.json");
    Path marker = dir.resolve("node_modules").resolve(".package-lock.json");
    if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) < 0) {
      Result npm = run(List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"), Map.of(), 600);
      if (npm.exitCode() != 0) {
        throw new IllegalStateException("npm ci failed in " + dir + " (Node.js 20 and npm are needed):\n" + npm.output());
      }
      Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis()));
    }
    installed = true;
  }

  /** Runs {@code node script} with {@code env} added to this JVM's environment. */
  Result node(String script, Map<String, String> env) throws IOException, InterruptedException {
    install();
    return run(List.of("node", script), env, 600);
  }

  private Result run(List<String> command, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    // Read while it runs, so a full pipe never stalls it.
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        output.append("(reading the output failed: ").append(e.getMessage()).append(')');
      }
    });
    reader.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      reader.join(5_000);
      return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\n" + output);
    }
    reader.join(10_000);
    return new Result(process.exitValue(), output.toString());
  }
}
