package org.dirmail.mta.smtp;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Builds the {@code Received:} trace field we prepend to every message (RFC 5321 4.4), folded
 * with CRLF + TAB. The HELO argument is hostile text: it is reduced to a safe character set so it
 * can neither end the field nor forge a clause (no CR, LF, ';', '(' or spaces).
 */
final class ReceivedHeader {

    /** RFC 5322 3.3 date-time with a numeric zone, never the obsolete "GMT". */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private static final int MAX_HELO = 255;

    private ReceivedHeader() {
    }

    /**
     * The field, ending in CRLF.
     *
     * @param helo      the client's EHLO/HELO argument as sent
     * @param esmtp     whether the client said EHLO (RFC 3848 "ESMTP") or HELO ("SMTP")
     * @param tls       whether the message came under TLS (RFC 3848 "S")
     * @param auth      whether the client had authenticated (RFC 3848 "A")
     * @param clientIp  the peer's address as text
     * @param hostname  our hostname
     * @param recipient the only recipient, or {@code null} when there are several (privacy)
     * @param when      when the message was received
     */
    static byte[] format(String helo, boolean esmtp, boolean tls, boolean auth, String clientIp, String hostname,
            MailPath recipient, ZonedDateTime when) {
        var field = new StringBuilder("Received: from ")
                .append(sanitize(helo)).append(" ([").append(sanitize(clientIp)).append("])\r\n")
                .append("\tby ").append(hostname).append(" (dirmail) with ").append(protocol(esmtp, tls, auth));
        if (recipient != null) {
            field.append("\r\n\tfor ").append(recipient);
        }
        field.append(";\r\n\t").append(DATE.format(when)).append("\r\n");
        return field.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** RFC 3848 1: ESMTP, ESMTPS, ESMTPA, ESMTPSA; HELO clients are plain SMTP. */
    private static String protocol(boolean esmtp, boolean tls, boolean auth) {
        if (!esmtp) {
            return "SMTP";
        }
        return "ESMTP" + (tls ? "S" : "") + (auth ? "A" : "");
    }

    /** Keeps letters, digits and {@code . - _ : [ ]}; everything else becomes '?'. Bounded. */
    static String sanitize(String text) {
        var out = new StringBuilder(Math.min(text.length(), MAX_HELO));
        for (int i = 0; i < text.length() && i < MAX_HELO; i++) {
            char c = text.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ".-_:[]".indexOf(c) >= 0;
            out.append(safe ? c : '?');
        }
        return out.isEmpty() ? "unknown" : out.toString();
    }
}
