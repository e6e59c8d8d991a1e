package io.dbgateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a pool is split into lanes, and how much of each lane interactive transactions may hold. */
class LanedPoolTest {

  @Test
  void lanesShareThePoolWithTheRemainderFirst() {
    assertThat(LanedPool.laneSizes(10, 2)).containsExactly(5, 5);
    assertThat(LanedPool.laneSizes(3, 2)).containsExactly(2, 1);
    assertThat(LanedPool.laneSizes(1, 2)).containsExactly(1);
  }

  @Test
  void transactionsGetAShareOfEachLaneInProportionNeverMoreThanTheLane() {
    assertThat(LanedPool.transactionShares(List.of(5, 5), 5)).containsExactly(3, 2);
    assertThat(LanedPool.transactionShares(List.of(2, 2), 2)).containsExactly(1, 1);
    assertThat(LanedPool.transactionShares(List.of(2, 1), 1)).containsExactly(1, 0);
    assertThat(LanedPool.transactionShares(List.of(1), 1)).containsExactly(1);
    assertThat(LanedPool.transactionShares(List.of(1), 5)).as("never more than the lane").containsExactly(1);
    assertThat(LanedPool.transactionShares(List.of(8, 8), 15)).containsExactly(8, 7);
  }
}
