package org.dirmail.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Adds up the sessions of one probe run and writes the human lines and the machine-readable
 * {@code RESULT} line that {@code bench/summary.awk} reads. The run is ok only when every
 * message got its 250 after DATA.
 */
final class ProbeReport {

    private final ProbeOptions options;
    private final LatencyStats service = new LatencyStats();
    private final LatencyStats fromDue = new LatencyStats();
    private final Map<Integer, Integer> codes = new TreeMap<>();
    private int errors;
    private long elapsedNanos;

    ProbeReport(ProbeOptions options) {
        this.options = options;
    }

    void add(LatencyStats sessionService, LatencyStats sessionFromDue, Map<Integer, Integer> sessionCodes,
            int sessionErrors) {
        service.addAll(sessionService);
        fromDue.addAll(sessionFromDue);
        sessionCodes.forEach((code, n) -> codes.merge(code, n, Integer::sum));
        errors += sessionErrors;
    }

    void finish(long elapsed) {
        this.elapsedNanos = elapsed;
    }

    boolean ok() {
        return service.count() == options.messages() && errors == 0;
    }

    int non250() {
        return codes.entrySet().stream().filter(e -> e.getKey() != 250).mapToInt(Map.Entry::getValue).sum();
    }

    String text() {
        double seconds = elapsedNanos / 1e9;
        String others = codes.entrySet().stream().filter(e -> e.getKey() != 250)
                .map(e -> e.getKey() + "x" + e.getValue()).collect(Collectors.joining(","));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "sent %d in %.2f s (%.1f msg/s); 250 after DATA %d; non-250 %d%s;"
                        + " connection errors %d%n", service.count() + non250(), seconds,
                service.count() / seconds, service.count(), non250(), others.isEmpty() ? "" : " (" + others + ")",
                errors));
        out.append(line("MAIL to 250 after DATA", service));
        out.append(line("from due time", fromDue));
        out.append(String.format(Locale.ROOT, "RESULT label=%s status=%s kind=latency messages=%d ok=%d non250=%d"
                        + " errors=%d rate=%d sessions=%d size=%d achieved_mps=%.1f p50_ms=%s p90_ms=%s p99_ms=%s"
                        + " max_ms=%s due_p99_ms=%s%n",
                options.label(), ok() ? "ok" : "failed", options.messages(), service.count(), non250(), errors,
                options.rate(), options.sessions(), options.size(), service.count() / seconds,
                LatencyStats.millis(service.percentile(50)), LatencyStats.millis(service.percentile(90)),
                LatencyStats.millis(service.percentile(99)), LatencyStats.millis(service.max()),
                LatencyStats.millis(fromDue.percentile(99))));
        return out.toString();
    }

    private static String line(String what, LatencyStats stats) {
        return String.format(Locale.ROOT, "%-24s ms: p50 %s  p90 %s  p99 %s  max %s  (n=%d)%n", what,
                LatencyStats.millis(stats.percentile(50)), LatencyStats.millis(stats.percentile(90)),
                LatencyStats.millis(stats.percentile(99)), LatencyStats.millis(stats.max()), stats.count());
    }
}
