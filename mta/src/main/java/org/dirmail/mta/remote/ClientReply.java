package org.dirmail.mta.remote;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reply from a remote server (RFC 5321 4.2), already framed and checked by
 * {@link ReplyDecoder}. The text is the server's, so it is sanitised: printable ASCII only,
 * bounded, before it reaches a log line or a bounce.
 *
 * @param code     the three-digit code
 * @param enhanced the RFC 3463 code the server gave (RFC 2034), or empty
 * @param lines    the text after the code, one entry per line
 */
record ClientReply(int code, String enhanced, List<String> lines) {

    /** Bounces quote the server; a few lines of it are enough to explain. */
    private static final int MAX_TEXT_LINES = 5;
    private static final int MAX_LINE_CHARS = 200;
    private static final Pattern ENHANCED = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: |$)");

    ClientReply {
        lines = List.copyOf(lines);
    }

    /** Builds a reply from decoded lines (the code already checked); picks the enhanced code off the first line. */
    static ClientReply of(int code, List<String> texts) {
        String enhanced = "";
        Matcher m = ENHANCED.matcher(texts.get(0));
        if (m.lookingAt() && m.group(1).charAt(0) - '0' == code / 100) {
            enhanced = m.group(1) + "." + m.group(2) + "." + m.group(3);
        }
        return new ClientReply(code, enhanced, texts);
    }

    boolean positive() {
        return code / 100 == 2;
    }

    boolean intermediate() {
        return code / 100 == 3;
    }

    boolean permanent() {
        return code / 100 == 5;
    }

    /** The server's words, one line, printable ASCII only, bounded; for logs and bounces. */
    String text() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(lines.size(), MAX_TEXT_LINES); i++) {
            String line = lines.get(i);
            if (i > 0) {
                b.append(" / ");
            }
            for (int j = 0; j < Math.min(line.length(), MAX_LINE_CHARS); j++) {
                char c = line.charAt(j);
                b.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
        }
        return b.toString();
    }

    /** "host said: 550 5.1.1 ..." — what a log line or bounce shows. */
    String said(String host) {
        return host + " said: " + code + " " + text();
    }

    /** What this reply means for a recipient: 2xx delivered, 5xx failed, anything else try again. */
    RecipientStatus status(String host) {
        if (positive()) {
            return new RecipientStatus.Delivered(code, enhancedOr("2.0.0"), said(host));
        }
        if (permanent()) {
            return new RecipientStatus.Failed(code, enhancedOr("5.0.0"), said(host));
        }
        return deferred(host);
    }

    /** This reply as a reason to try again, whatever its class (a refused login, a 5xx greeting). */
    RecipientStatus.Deferred deferred(String host) {
        String e = enhanced.isEmpty() ? "4.0.0" : "4" + enhanced.substring(1);
        return new RecipientStatus.Deferred(code, e, said(host));
    }

    private String enhancedOr(String fallback) {
        return enhanced.isEmpty() ? fallback : enhanced;
    }
}
