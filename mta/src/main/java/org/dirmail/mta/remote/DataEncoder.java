package org.dirmail.mta.remote;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns a queued message into the bytes after DATA (RFC 5321 4.5.2, 4.1.1.4): every line ends in
 * CRLF (a bare CR or LF, which the queue should never hold, becomes CRLF, so nothing can end the
 * data early or be read differently by the next hop), a line starting with a dot gets another one,
 * and {@code CRLF.CRLF} ends it. Stateless.
 */
final class DataEncoder {

    private DataEncoder() {
    }

    /** The data to send, ending with the terminating dot line; the caller releases it. */
    static ByteBuf encode(byte[] message, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(message.length + message.length / 64 + 8);
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                out.writeByte('\r').writeByte('\n');
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.writeByte('.'); // RFC 5321 4.5.2: transparency
            }
            out.writeByte(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.writeByte('\r').writeByte('\n');
        }
        out.writeByte('.').writeByte('\r').writeByte('\n');
        return out;
    }

    /** True when the message has octets above 127, so BODY=8BITMIME applies (RFC 6152 3). */
    static boolean hasEightBit(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
