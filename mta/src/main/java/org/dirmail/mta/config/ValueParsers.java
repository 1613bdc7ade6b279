package org.dirmail.mta.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the value types of {@code dirmail.conf}. Each throws {@link IllegalArgumentException}
 * with a message that says what was expected; the caller adds file, line and key.
 */
final class ValueParsers {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

    private ValueParsers() {
    }

    /** A non-negative decimal integer that fits a long. */
    static long nonNegativeLong(String value) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the uniform message
        }
        throw new IllegalArgumentException("expected a non-negative integer, got '" + value + "'");
    }

    /** A positive int, for counts and sizes of pools. */
    static int positiveInt(String value) {
        long parsed = nonNegativeLong(value);
        if (parsed == 0 || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expected a positive integer, got '" + value + "'");
        }
        return (int) parsed;
    }

    /** Postfix-style time: a number with an optional unit {@code ms s m h d}; no unit means seconds. */
    static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 5m, 2h, 7d or 500ms, got '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** {@code yes}/{@code no} (also true/false, on/off), as in main.cf. */
    static boolean bool(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on" -> true;
            case "no", "false", "off" -> false;
            default -> throw new IllegalArgumentException("expected yes or no, got '" + value + "'");
        };
    }

    /** {@code host:port}, with port 0 meaning "any free port" (useful in tests). */
    static HostPort hostPort(String value) {
        Matcher m = HOST_PORT.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected host:port such as 127.0.0.1:2525, got '" + value + "'");
        }
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + value + "'");
        }
        String host = m.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }

    /** A list separated by commas and/or white space; empty items are dropped. */
    static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split("[,\\s]+")) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    /** A DNS domain name, lower-cased: letters, digits, hyphens and dots. */
    static String domain(String value) {
        String domain = value.toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
                || domain.length() > 253) {
            throw new IllegalArgumentException("'" + value + "' is not a domain name");
        }
        return domain;
    }
}
