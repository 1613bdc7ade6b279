package org.dirmail.mta.quota;

/**
 * What a Maildir holds, as Maildir++ counts it: the bytes and the number of messages in
 * {@code cur/} and {@code new/} of the Maildir and its folders.
 *
 * @param bytes total size in bytes
 * @param count number of messages
 */
public record QuotaUsage(long bytes, long count) {

    /** An empty Maildir. */
    public static final QuotaUsage NONE = new QuotaUsage(0, 0);

    /** This usage with one more message of {@code size} bytes. */
    public QuotaUsage plusMessage(long size) {
        return new QuotaUsage(bytes + size, count + 1);
    }

    /**
     * True when one more message of {@code size} bytes would go beyond a limit, the test
     * qmail-local and Courier's deliverquota make ({@code used + size > limit}). With size 0 it
     * says whether the Maildir is already over its size limit or full by count.
     */
    public boolean wouldExceed(QuotaLimits limits, long size) {
        return (limits.bytes() > 0 && bytes + size > limits.bytes())
                || (limits.count() > 0 && count + 1 > limits.count());
    }

    /** True when the usage is beyond a limit (the maildirsize "over quota" state). */
    public boolean exceeds(QuotaLimits limits) {
        return (limits.bytes() > 0 && bytes > limits.bytes()) || (limits.count() > 0 && count > limits.count());
    }

    /** The larger of the size and count percentages of the limits (0 when unlimited), rounded down. */
    public int percentOf(QuotaLimits limits) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(percent(bytes, limits.bytes()), percent(count, limits.count())));
    }

    private static long percent(long used, long limit) {
        if (limit == 0 || used <= 0) {
            return 0;
        }
        // used * 100 / limit without overflowing for any used below Long.MAX_VALUE / 100
        return used <= Long.MAX_VALUE / 100 ? used * 100 / limit : used / limit * 100;
    }
}
