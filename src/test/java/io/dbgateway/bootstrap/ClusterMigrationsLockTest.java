package io.dbgateway.bootstrap;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.HostAndPort;
import io.dbgateway.testing.Await;
import io.dbgateway.tck.GatewayUnderTest;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Instances of one cluster migrate in turn: a gateway in cluster mode runs Flyway only while it holds the
 * cluster's migrations lock (Flyway takes no lock of its own on Galera, so gateways starting at once on a
 * new database could run a migration twice). Here another member of the cluster holds the lock, as an
 * instance that is migrating would: the gateway waits, and migrates once the lock is released.
 */
class ClusterMigrationsLockTest {

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aGatewayMigratesOnlyWhileItHoldsTheClustersMigrationsLock() throws Exception {
    ThrowawayPostgres postgres = TestServers.postgres();
    String name = "dbgw-lock-" + Long.toString(System.nanoTime(), 36);
    int memberPort = FreePorts.take();
    Vertx member = ClusterEnv.joinedMember(name, memberPort, List.of(new HostAndPort("127.0.0.1", memberPort)));
    try {
      Lock held = member.sharedData().getLockWithTimeout(Migrations.LOCK, 30_000).await(60, TimeUnit.SECONDS);
      try (ChildGateway gateway = ChildGateway.start(ClusterEnv.of(postgres, name, "127.0.0.1:" + memberPort,
          FreePorts.take(), FreePorts.take(), "app:write:cluster-lock-secret-0123456789"))) {
        gateway.awaitLine(l -> l.contains("taking the cluster's migrations lock"), 180);
        // While another member holds the lock, the gateway does not migrate (a pause for a wrong start to show).
        Await.sleep(3_000);
        assertThat(gateway.lines()).as("the gateway's log while the lock is held")
            .noneMatch(l -> l.contains("migrations done") || l.contains("DB Gateway ready"));
        held.release();
        gateway.awaitLine(l -> l.contains("migrations done"), 120);
        gateway.awaitLine(l -> l.contains("DB Gateway ready"), 120);
      }
    } finally {
      member.close().await(30, TimeUnit.SECONDS);
    }
  }
}
