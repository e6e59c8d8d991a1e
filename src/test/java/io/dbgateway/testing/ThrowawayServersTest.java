package io.dbgateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ThrowawayServersTest {

    static Stream<ThrowawayServer> servers() {
        return Stream.of(TestServers.postgres(), TestServers.mariadb());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void answersSelectOneAwayFromTheMachinesOwnServers(ThrowawayServer server) throws SQLException {
        assertThat(server.port()).isNotIn(5432, 3306);
        assertThat(server.host()).isEqualTo("127.0.0.1");
        try (Connection c = server.connect()) {
            assertThat(queryInt(c, "SELECT 1")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void keepsCommittedDataAcrossKillAndStart(ThrowawayServer server) throws SQLException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS survivor");
            s.execute("CREATE TABLE survivor (id INT PRIMARY KEY)");
            s.execute("INSERT INTO survivor VALUES (42)");
        }

        server.kill();
        assertThat(server.isRunning()).isFalse();
        server.start();

        try (Connection c = server.connect()) {
            assertThat(queryInt(c, "SELECT id FROM survivor")).isEqualTo(42);
        }
    }

    private static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }
}
