package org.dirmail.mta.pop3;

import java.nio.charset.StandardCharsets;

/**
 * One line from the client, framed by {@link Pop3LineDecoder}. Carries what the session needs to
 * refuse it: its size on the wire and whether it broke the framing rules.
 *
 * @param content     the octets before the line end (empty when {@code tooLong})
 * @param octets      the line's length on the wire, line end included (capped)
 * @param bareLineEnd a lone LF ended the line, or a lone CR is inside it
 * @param tooLong     the line exceeded {@link Pop3LineDecoder#MAX_LINE_OCTETS}; its content was discarded
 */
record Pop3Line(byte[] content, int octets, boolean bareLineEnd, boolean tooLong) {

    /** The content as UTF-8 (malformed sequences become U+FFFD, which no login or command matches). */
    String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
