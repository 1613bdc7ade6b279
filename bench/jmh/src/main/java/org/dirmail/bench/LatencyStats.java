package org.dirmail.bench;

import java.util.Arrays;

/**
 * The latencies one probe run recorded, and their percentiles by the nearest-rank method: the
 * p-th percentile of n sorted values is the value at rank ceil(p/100 * n), so it is always a
 * latency that was measured, never an interpolation. Not thread-safe: one per session, merged.
 */
public final class LatencyStats {

    private long[] nanos = new long[1024];
    private int count;

    public void record(long latencyNanos) {
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("negative latency: " + latencyNanos);
        }
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    public void addAll(LatencyStats other) {
        for (int i = 0; i < other.count; i++) {
            record(other.nanos[i]);
        }
    }

    public int count() {
        return count;
    }

    /**
     * The nearest-rank percentile in nanoseconds, {@code 0 < p <= 100}; 0 when nothing was
     * recorded (the run then also reports a count of 0).
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(rank, 1) - 1];
    }

    public long max() {
        return percentile(100);
    }

    /** Nanoseconds as milliseconds with two decimals, for the report. */
    public static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
