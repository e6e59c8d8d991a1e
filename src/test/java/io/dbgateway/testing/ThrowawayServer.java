package io.dbgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A database server started from the locally installed binaries, in its own temp folder and on its
 * own loopback port, so tests never touch the machine's own servers on 5432/3306.
 *
 * <p>Subclasses say how to initialise the data folder and which command runs the server; this class
 * owns the process, the port, the log file and the readiness check.
 *
 * <p>Deliberately not {@link AutoCloseable}: JUnit closes AutoCloseable {@code @ParameterizedTest}
 * arguments after each invocation, which would tear down the shared servers.
 */
public abstract class ThrowawayServer {

    static final String HOST = "127.0.0.1";
    static final String DATABASE = "test";
    static final String USER = "gateway";
    static final String PASSWORD = "gateway";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final String osUser;
    private final String jdbcScheme;
    private final String probeParameters;
    private final String stopSignal;
    private final Path root;
    private final Path log;
    private final int port;
    private Process process;

    /**
     * @param osUser the unprivileged OS user the server runs as when this JVM is root (both engines
     *     refuse to run as root); ignored otherwise
     * @param jdbcScheme the driver's name in the JDBC URL ({@code jdbc:<scheme>://host:port/database})
     * @param probeParameters URL parameters with short timeouts, for the readiness probe: a hung socket
     *     must not stall it
     * @param stopSignal the signal that makes the server shut down without delay, as {@code kill -s} takes it
     */
    protected ThrowawayServer(String name, String osUser, String jdbcScheme, String probeParameters, String stopSignal) {
        this.name = name;
        this.osUser = osUser;
        this.jdbcScheme = jdbcScheme;
        this.probeParameters = probeParameters;
        this.stopSignal = stopSignal;
        this.port = FreePorts.take();
        try {
            // Under /tmp, not java.io.tmpdir: unix socket paths must stay short (< 108 bytes).
            this.root = Files.createTempDirectory(Path.of("/tmp"), "dbgw-test-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.log = root.resolve("server.log");
    }

    // ---- what an engine has to provide ----

    /** Creates the data folder inside {@link #root()}; runs once, before the first start. */
    protected abstract void initialize() throws IOException, InterruptedException;

    /** The command that runs the server in the foreground. */
    protected abstract List<String> serverCommand();

    // ---- public API ----

    public String jdbcUrl() {
        return "jdbc:" + jdbcScheme + "://" + HOST + ":" + port + "/" + DATABASE;
    }

    public String host() { return HOST; }
    public int port() { return port; }
    public String database() { return DATABASE; }
    public String user() { return USER; }
    public String password() { return PASSWORD; }
    /** The temp folder holding data, socket, config and {@code server.log}. */
    public Path dataDir() { return root; }
    public Path logFile() { return log; }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server (initialising the data folder the first time) and waits until JDBC works. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            if (!Files.exists(root.resolve(".initialized"))) {
                chownToServerUser(root);
                initialize();
                Files.createFile(root.resolve(".initialized"));
            }
            process = launch(serverCommand());
            awaitReady();
        } catch (IOException e) {
            throw failure("could not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while starting", e);
        }
    }

    /** Fast shutdown (no waiting for clients); data stays, {@link #start()} brings it back. */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-s", stopSignal, Long.toString(process.pid())).start().waitFor();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (IOException e) {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /**
     * SIGKILLs the server and every process it spawned, like a crash or an OOM kill. Killing the
     * children too keeps the outage immediate (PostgreSQL backends would otherwise linger) and lets
     * a later {@link #start()} reuse the data folder right away.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS); // our own child: the JVM reaps it
            // Orphaned backends stay zombies until init reaps them (seconds, in some containers);
            // a zombie holds no ports or shared memory, so it counts as gone.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (children.stream().anyMatch(ThrowawayServer::running) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server and deletes its temp folder; the instance is unusable afterwards. */
    public synchronized void destroy() {
        stop();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is under /tmp
        }
    }

    @Override
    public String toString() {
        return name + " on " + HOST + ":" + port + " in " + root;
    }

    // ---- helpers for subclasses ----

    protected Path root() { return root; }

    static boolean runningAsRoot() {
        try {
            return "root".equals(System.getProperty("user.name"))
                    || ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Wraps a command so it runs as the server's OS user when we are root; {@code setpriv} execs, so the pid stays the server's. */
    protected List<String> asServerUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(
                "setpriv", "--reuid=" + osUser, "--regid=" + osUser, "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs a set-up command to completion, output into the log; fails with the log tail. */
    protected void run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = launch(command);
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw failure("timed out running " + command.get(0), null);
        }
        if (p.exitValue() != 0) {
            throw failure(String.join(" ", command) + " exited with " + p.exitValue(), null);
        }
    }

    /** Writes a file into the temp folder, owned by the server user so it can read it whatever the umask. */
    protected void writeFile(String fileName, String content) throws IOException {
        chownToServerUser(Files.writeString(root.resolve(fileName), content));
    }

    /** Creates a folder in the temp folder, owned by the server user. */
    protected Path createDirectory(String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        chownToServerUser(dir);
        return dir;
    }

    /** The failure when an engine's binaries are missing: what was looked for, and the line that installs them. */
    protected static IllegalStateException notInstalled(String what, String installHint, Throwable cause) {
        return new IllegalStateException(what + " not found. Install them with:\n" + installHint + "\n", cause);
    }

    protected IllegalStateException failure(String what, Throwable cause) {
        return new IllegalStateException(name + " (" + root + "): " + what
                + "\n--- last lines of " + log + " ---\n" + logTail(), cause);
    }

    // ---- internals ----

    private Process launch(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .directory(root.toFile()) // a cwd the server user can enter
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw failure("server exited with " + process.exitValue() + " during start-up", last);
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl() + "?" + probeParameters, user(), password())) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        kill();
        throw failure("not accepting JDBC connections after " + READY_TIMEOUT.toSeconds() + " s", last);
    }

    private void chownToServerUser(Path dir) throws IOException {
        if (!runningAsRoot()) {
            return;
        }
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Files.setOwner(p, owner);
            }
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean running(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'; // state field follows "(comm) "
        } catch (IOException e) {
            return false; // no /proc entry: gone
        }
    }

}
