package org.dirmail.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles: always a measured value, the rank rounded up. */
class LatencyStatsTest {

    @Test
    void percentilesOfOneToHundredAreTheirRanks() {
        LatencyStats stats = new LatencyStats();
        for (int v = 100; v >= 1; v--) { // recorded out of order, as sessions finish
            stats.record(v);
        }
        assertThat(stats.percentile(50)).isEqualTo(50);
        assertThat(stats.percentile(90)).isEqualTo(90);
        assertThat(stats.percentile(99)).isEqualTo(99);
        assertThat(stats.max()).isEqualTo(100);
        assertThat(stats.count()).isEqualTo(100);
    }

    @Test
    void rankIsRoundedUpSoTheTailIsNeverUnderstated() {
        LatencyStats stats = new LatencyStats();
        for (int v = 1; v <= 10; v++) {
            stats.record(v * 1_000_000L);
        }
        // ceil(0.99 * 10) = 10: with ten samples p99 is the slowest, not an interpolation below it
        assertThat(stats.percentile(99)).isEqualTo(10_000_000L);
        // ceil(0.5 * 10) = 5
        assertThat(stats.percentile(50)).isEqualTo(5_000_000L);
        // ceil(0.01 * 10) = 1: the smallest
        assertThat(stats.percentile(1)).isEqualTo(1_000_000L);
        assertThat(LatencyStats.millis(stats.percentile(99))).isEqualTo("10.00");
    }

    @Test
    void mergedSessionsCountAsOneRunAndGrowPastTheInitialCapacity() {
        LatencyStats a = new LatencyStats();
        LatencyStats b = new LatencyStats();
        for (int i = 0; i < 3000; i++) {
            a.record(1);
        }
        b.record(7);
        a.addAll(b);
        assertThat(a.count()).isEqualTo(3001);
        assertThat(a.percentile(99.9)).isEqualTo(1); // rank 2998 of 3001
        assertThat(a.max()).isEqualTo(7);
    }

    @Test
    void emptyRunReportsZeroAndBadInputIsRefused() {
        LatencyStats stats = new LatencyStats();
        assertThat(stats.percentile(50)).isZero();
        assertThatThrownBy(() -> stats.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.percentile(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.record(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
