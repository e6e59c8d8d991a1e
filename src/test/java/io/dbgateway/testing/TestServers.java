package io.dbgateway.testing;

import java.util.function.Supplier;

/**
 * One PostgreSQL and one MariaDB per test JVM, started on first use and stopped (temp folders
 * deleted) by a shutdown hook. Tests may {@code kill()}/{@code start()} them but must leave them running.
 */
public final class TestServers {

    private static final Shared<ThrowawayPostgres> POSTGRES = new Shared<>(ThrowawayPostgres::new);
    private static final Shared<ThrowawayMariaDb> MARIADB = new Shared<>(ThrowawayMariaDb::new);

    private TestServers() {
    }

    public static ThrowawayPostgres postgres() {
        return POSTGRES.get();
    }

    public static ThrowawayMariaDb mariadb() {
        return MARIADB.get();
    }

    /** One lock per engine, so the two can start in parallel from different threads. */
    private static final class Shared<T extends ThrowawayServer> {
        private final Supplier<T> factory;
        private T server;
        private RuntimeException failure; // remembered: don't pay a 60 s timeout per test class

        Shared(Supplier<T> factory) {
            this.factory = factory;
        }

        synchronized T get() {
            if (failure != null) {
                throw failure;
            }
            if (server == null) {
                try {
                    T s = factory.get();
                    Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "stop " + s));
                    long t0 = System.nanoTime();
                    s.start();
                    System.err.printf("[TestServers] %s ready in %d ms%n", s, (System.nanoTime() - t0) / 1_000_000);
                    server = s;
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return server;
        }
    }
}
