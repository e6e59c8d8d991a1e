package io.dbgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MariaDB from {@code /usr/sbin/mariadbd}: user {@code gateway}/{@code gateway} with ALL on *.*
 * (which includes PROCESS, so it sees every session in PROCESSLIST), database {@code test}.
 */
public final class ThrowawayMariaDb extends ThrowawayServer {

    /** The fix printed when the binaries are missing; docs match this exact line. */
    public static final String INSTALL_HINT = "apt-get install -y mariadb-server";

    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

    private final Path mariadbd;

    public ThrowawayMariaDb() {
        this(requireBinaries()); // before super(): no temp folder when the binaries are missing
    }

    private ThrowawayMariaDb(Path mariadbd) {
        super("mariadb", "mysql", "mariadb", "connectTimeout=5000&socketTimeout=5000", "TERM");
        this.mariadbd = mariadbd;
    }

    /**
     * The defaults file must be the first argument, so /etc/mysql is never read. No setpriv here:
     * mariadbd drops to {@code user=mysql} itself when started as root.
     */
    @Override
    protected List<String> serverCommand() {
        return List.of(mariadbd.toString(), "--defaults-file=" + myCnf(), "--init-file=" + root().resolve("init.sql"));
    }

    @Override
    protected void initialize() throws IOException, InterruptedException {
        writeFile("my.cnf", String.join("\n",
                "[mysqld]",
                runningAsRoot() ? "user = mysql" : "",
                "datadir = " + root().resolve("data"),
                // Its own: a MariaDB starting deletes every #sql* file in its tmpdir, and with a shared
                // /tmp that would be other servers' temporary tables still in use (a cursor's result).
                "tmpdir = " + createDirectory("tmp"),
                "socket = " + root().resolve("mysqld.sock"),
                "pid-file = " + root().resolve("mariadbd.pid"),
                "port = " + port(),
                "bind-address = " + host(),
                "skip-name-resolve",
                "innodb_buffer_pool_size = 32M",
                "innodb_log_file_size = 16M",
                "innodb_flush_log_at_trx_commit = 1", // committed rows must survive kill()
                "character-set-server = utf8mb4",
                "collation-server = utf8mb4_general_ci",
                ""));
        // Runs on every start, before clients are served, so readiness == gateway can log in.
        writeFile("init.sql", String.join("\n",
                "CREATE DATABASE IF NOT EXISTS " + database() + ";",
                grant("%"),
                grant("localhost"),
                ""));
        run(List.of(INSTALL_DB.toString(), "--defaults-file=" + myCnf(), "--skip-test-db"), null);
    }

    private String grant(String host) {
        String account = "'" + user() + "'@'" + host + "'";
        return "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password() + "';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION;";
    }

    private Path myCnf() {
        return root().resolve("my.cnf");
    }

    private static Path requireBinaries() {
        if (!Files.isExecutable(MARIADBD) || !Files.isExecutable(INSTALL_DB)) {
            throw notInstalled("MariaDB server binaries (" + MARIADBD + ", " + INSTALL_DB + ")", INSTALL_HINT, null);
        }
        return MARIADBD;
    }
}
