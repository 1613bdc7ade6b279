package org.dirmail.mta.smtp;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.dirmail.mta.smtp.SmtpCommand.Verb;

/**
 * Per-session command tallies for the Postfix-style disconnect line
 * ({@code ehlo=1 mail=1 rcpt=2/3 data=1 quit=1 commands=8/9}): "ok/total" when some failed.
 * Confined to the session's event loop.
 */
final class CommandCounts {

    private final Map<Verb, int[]> counts = new EnumMap<>(Verb.class);

    /** Records one command and whether its final reply was positive. */
    void record(Verb verb, boolean ok) {
        int[] pair = counts.computeIfAbsent(verb, v -> new int[2]);
        pair[1]++;
        if (ok) {
            pair[0]++;
        }
    }

    @Override
    public String toString() {
        var out = new StringBuilder();
        int ok = 0;
        int total = 0;
        for (var entry : counts.entrySet()) {
            int[] pair = entry.getValue();
            out.append(entry.getKey().name().toLowerCase(Locale.ROOT))
                    .append('=').append(format(pair[0], pair[1])).append(' ');
            ok += pair[0];
            total += pair[1];
        }
        return out.append("commands=").append(format(ok, total)).toString();
    }

    private static String format(int ok, int total) {
        return ok == total ? Integer.toString(total) : ok + "/" + total;
    }
}
