package org.dirmail.mta.quota;

import java.util.Optional;

/**
 * A Maildir++ quota: at most {@code bytes} bytes and {@code count} messages, 0 meaning unlimited
 * (qmail-ldap's {@code mailQuotaSize} / {@code mailQuotaCount}). Also parses and writes the
 * definition line of {@code maildirsize}, {@code <bytes>S,<count>C}.
 *
 * @param bytes largest total size in bytes; 0 = unlimited
 * @param count most messages; 0 = unlimited
 */
public record QuotaLimits(long bytes, long count) {

    /** No limit at all. */
    public static final QuotaLimits UNLIMITED = new QuotaLimits(0, 0);

    public QuotaLimits {
        if (bytes < 0 || count < 0) {
            throw new IllegalArgumentException("quota limits must not be negative: " + bytes + "S," + count + "C");
        }
    }

    /** True when neither the size nor the count is limited. */
    public boolean unlimited() {
        return bytes == 0 && count == 0;
    }

    /**
     * The first line of {@code maildirsize}, as Dovecot writes it: a part only for a set limit,
     * and {@code 0S} when there is none (an empty line would read as a broken file).
     */
    public String definition() {
        StringBuilder line = new StringBuilder();
        if (bytes != 0 || count == 0) {
            line.append(bytes).append('S');
        }
        if (count != 0) {
            line.append(line.length() == 0 ? "" : ",").append(count).append('C');
        }
        return line.toString();
    }

    /**
     * Parses a definition line ({@code 10485760S}, {@code 1000C}, {@code 10485760S,1000C}, in any
     * order; a 0 part means unlimited). Empty when the line is not one, which makes the file
     * broken and due for recalculation.
     */
    public static Optional<QuotaLimits> parse(String line) {
        long bytes = 0;
        long count = 0;
        for (String part : line.split(",", -1)) {
            if (part.length() < 2 || part.length() > 20) {
                return Optional.empty();
            }
            String digits = part.substring(0, part.length() - 1);
            if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            long value;
            try {
                value = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                return Optional.empty(); // more than a long holds
            }
            switch (part.charAt(part.length() - 1)) {
                case 'S' -> bytes = value;
                case 'C' -> count = value;
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new QuotaLimits(bytes, count));
    }

    @Override
    public String toString() {
        return definition();
    }
}
