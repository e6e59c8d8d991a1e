package io.dbgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL from {@code /usr/lib/postgresql/<highest version>/bin}: superuser {@code gateway}
 * (password {@code gateway}, scram over TCP), database {@code test}, tuned for speed not safety.
 */
public final class ThrowawayPostgres extends ThrowawayServer {

    /** The fix printed when the binaries are missing; docs match this exact line. */
    public static final String INSTALL_HINT = "apt-get install -y postgresql";

    private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");

    private final Path bin;
    /** With a certificate, the server speaks TLS and refuses TCP clients that do not (hostssl only). */
    private final TestCertificates.Server tls;

    public ThrowawayPostgres() {
        this(findBinDir(), null); // before super(): no temp folder when the binaries are missing
    }

    private ThrowawayPostgres(Path bin, TestCertificates.Server tls) {
        // SIGQUIT is PostgreSQL's "immediate" shutdown: no checkpoint, crash recovery on next start.
        super("postgres", "postgres", "postgresql", "connectTimeout=5&loginTimeout=5", "QUIT");
        this.bin = bin;
        this.tls = tls;
    }

    /**
     * A server with {@code ssl = on} and this certificate, whose pg_hba.conf accepts TCP connections
     * over TLS only ({@code hostssl}); not started yet.
     */
    public static ThrowawayPostgres withTls(TestCertificates.Server certificate) {
        return new ThrowawayPostgres(findBinDir(), certificate);
    }

    @Override
    protected List<String> serverCommand() {
        return asServerUser(List.of(bin.resolve("postgres").toString(), "-D", pgData().toString()));
    }

    @Override
    protected void initialize() throws IOException, InterruptedException {
        writeFile("pwfile", password() + "\n");
        // The bootstrap superuser *is* gateway, so there is no role to create afterwards.
        run(asServerUser(List.of(bin.resolve("initdb").toString(),
                "-D", pgData().toString(), "-U", user(), "--pwfile=" + root().resolve("pwfile"),
                "--auth-local=trust", "--auth-host=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")), null);
        Files.writeString(pgData().resolve("postgresql.conf"), String.join("\n",
                "",
                "# dbgw throwaway test server",
                "port = " + port(),
                "listen_addresses = '" + host() + "'",
                "unix_socket_directories = '" + root() + "'",
                // Data must survive kill() (a process crash), not a power cut: skip fsync, but keep
                // synchronous_commit on, or commits still in WAL buffers die with the postmaster.
                "fsync = off",
                "full_page_writes = off",
                "shared_buffers = 32MB",
                "max_connections = 100",
                "max_wal_size = 256MB",
                "logging_collector = off", // stderr goes to our server.log
                ""), StandardOpenOption.APPEND);
        if (tls != null) {
            requireTls();
        }
        // Single-user mode creates the database without a server round trip.
        run(asServerUser(List.of(bin.resolve("postgres").toString(),
                "--single", "-D", pgData().toString(), "postgres")), "CREATE DATABASE " + database() + "\n");
    }

    /** ssl = on with the certificate, and pg_hba.conf: local trust, TCP over TLS only. */
    private void requireTls() throws IOException {
        writeFile("server.crt", Files.readString(tls.cert()));
        writeFile("server.key", Files.readString(tls.key()));
        // PostgreSQL refuses a key that group or others can read.
        Files.setPosixFilePermissions(root().resolve("server.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(pgData().resolve("postgresql.conf"), String.join("\n",
                "ssl = on",
                "ssl_cert_file = '" + root().resolve("server.crt") + "'",
                "ssl_key_file = '" + root().resolve("server.key") + "'",
                ""), StandardOpenOption.APPEND);
        Files.writeString(pgData().resolve("pg_hba.conf"), String.join("\n",
                "local all all trust",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostssl all all ::1/128 scram-sha-256",
                ""));
    }

    private Path pgData() {
        return root().resolve("pgdata");
    }

    private static Path findBinDir() {
        try (Stream<Path> versions = Files.isDirectory(INSTALL_ROOT) ? Files.list(INSTALL_ROOT) : Stream.empty()) {
            return versions
                    .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/postgres")) && Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> notInstalled("PostgreSQL server binaries in " + INSTALL_ROOT + "/*/bin", INSTALL_HINT, null));
        } catch (IOException e) {
            throw notInstalled("PostgreSQL server binaries (cannot list " + INSTALL_ROOT + ")", INSTALL_HINT, e);
        }
    }
}
