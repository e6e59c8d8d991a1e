package io.dbgateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a pool is split into lanes, and how much of each lane interactive transactions may hold. */
class ConnectionSourceTest {

  @Test
  void lanesShareThePoolWithTheRemainderFirst() {
    assertThat(ConnectionSource.laneSizes(10, 2)).containsExactly(5, 5);
    assertThat(ConnectionSource.laneSizes(3, 2)).containsExactly(2, 1);
    assertThat(ConnectionSource.laneSizes(1, 2)).containsExactly(1);
  }

  @Test
  void transactionsGetAShareOfEachLaneInProportionNeverMoreThanTheLane() {
    assertThat(ConnectionSource.transactionShares(List.of(5, 5), 5)).containsExactly(3, 2);
    assertThat(ConnectionSource.transactionShares(List.of(2, 2), 2)).containsExactly(1, 1);
    assertThat(ConnectionSource.transactionShares(List.of(2, 1), 1)).containsExactly(1, 0);
    assertThat(ConnectionSource.transactionShares(List.of(1), 1)).containsExactly(1);
    assertThat(ConnectionSource.transactionShares(List.of(1), 5)).as("never more than the lane").containsExactly(1);
    assertThat(ConnectionSource.transactionShares(List.of(8, 8), 15)).containsExactly(8, 7);
  }
}
