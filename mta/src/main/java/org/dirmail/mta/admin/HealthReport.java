package org.dirmail.mta.admin;

import java.util.List;

/**
 * The answer of {@code GET /health}: one line per checked part, healthy only when every part is.
 * Details are short texts of ours; they are JSON-escaped all the same.
 *
 * @param checks the parts in a fixed order: directory, queue, then each listener
 */
record HealthReport(List<Check> checks) {

    /** One checked part. */
    record Check(String name, boolean up, String detail) {
    }

    HealthReport {
        checks = List.copyOf(checks);
    }

    boolean up() {
        return checks.stream().allMatch(Check::up);
    }

    /** {@code {"status":"up","checks":{"directory":{"status":"up","detail":"..."},...}}} */
    String toJson() {
        StringBuilder json = new StringBuilder("{\"status\":\"").append(status(up())).append("\",\"checks\":{");
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            json.append(i == 0 ? "" : ",").append(quote(c.name())).append(":{\"status\":\"").append(status(c.up()))
                    .append("\",\"detail\":").append(quote(c.detail())).append('}');
        }
        return json.append("}}\n").toString();
    }

    private static String status(boolean up) {
        return up ? "up" : "down";
    }

    /** RFC 8259 7: quotes, backslashes and control characters escaped; non-ASCII as \\u too. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
