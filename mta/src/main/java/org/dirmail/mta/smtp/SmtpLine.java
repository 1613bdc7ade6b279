package org.dirmail.mta.smtp;

import java.nio.charset.StandardCharsets;

/**
 * One CRLF-terminated line as {@link SmtpLineDecoder} framed it. The content is untrusted bytes;
 * the flags say how the line broke the framing rules so the session can refuse it.
 *
 * @param content     the bytes before the CRLF; empty when {@code tooLong} (they were discarded)
 * @param octets      the line's length on the wire including the CRLF, capped at
 *                    {@link SmtpLineDecoder#MAX_LINE_OCTETS} + 1 once too long
 * @param bareLineEnd the line contained a CR not followed by LF or an LF not preceded by CR
 * @param tooLong     the line exceeded {@link SmtpLineDecoder#MAX_LINE_OCTETS}
 */
record SmtpLine(byte[] content, int octets, boolean bareLineEnd, boolean tooLong) {

    /** A well-formed line holding exactly {@code "."}: the end of DATA (RFC 5321 4.1.1.4). */
    boolean isEndOfData() {
        return !bareLineEnd && !tooLong && content.length == 1 && content[0] == '.';
    }

    /** The content as text, one char per octet so nothing is lost or invented. */
    String text() {
        return new String(content, StandardCharsets.ISO_8859_1);
    }
}
