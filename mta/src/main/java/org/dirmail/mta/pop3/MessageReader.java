package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one Maildir file (LF line ends) in bounded chunks and turns it into the body of a RETR or
 * TOP reply (RFC 1939 3): LF becomes CRLF, a line starting with {@code .} gets another one, and
 * the last chunk ends with {@code .CRLF}. Memory per reader is one chunk, whatever the message
 * size. Blocking: call it off the event loop; not thread-safe (one task at a time).
 */
final class MessageReader implements AutoCloseable {

    /** File octets read per chunk; the encoded chunk is at most twice that plus the terminator. */
    static final int CHUNK = 64 * 1024;
    private static final byte[] TERMINATOR = {'.', '\r', '\n'};

    /** One piece of the reply; {@code last} when it carries the terminating {@code .CRLF}. */
    record Chunk(ByteBuf data, boolean last) {
    }

    private final InputStream in;
    private final byte[] buffer = new byte[CHUNK];
    /** The encoded chunk, built here and copied into the channel's buffer in one go. */
    private final byte[] encoded = new byte[2 * CHUNK + 5];
    private int length;
    /** Body lines still to send for TOP, or -1 for the whole message. */
    private long bodyLinesLeft;
    private boolean inHeaders = true;
    private boolean atLineStart = true;
    private boolean prevCr;
    private int lineLength;
    private boolean finished;

    private MessageReader(InputStream in, long bodyLines) {
        this.in = in;
        this.bodyLinesLeft = bodyLines;
    }

    /** The whole message, for RETR. */
    static MessageReader whole(Path file) throws IOException {
        return new MessageReader(Files.newInputStream(file), -1);
    }

    /** The header, the blank line and at most {@code bodyLines} body lines, for TOP (RFC 1939 7). */
    static MessageReader top(Path file, long bodyLines) throws IOException {
        return new MessageReader(Files.newInputStream(file), bodyLines);
    }

    /**
     * The octets a client receives for the whole file before dot-stuffing: the file with each LF
     * not preceded by CR turned into CRLF, and a CRLF added to an unterminated last line.
     */
    static long transmittedSize(Path file) throws IOException {
        byte[] buf = new byte[CHUNK];
        long size = 0;
        boolean prevCr = false;
        boolean lineOpen = false;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                size += n;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' && !prevCr) {
                        size++;
                    }
                    prevCr = b == '\r';
                    lineOpen = b != '\n';
                }
            }
        }
        if (lineOpen) {
            size += prevCr ? 1 : 2;
        }
        return size;
    }

    /** The next encoded chunk; after the one marked last, the file is closed. */
    Chunk next(ByteBufAllocator alloc) throws IOException {
        int n = finished ? -1 : in.read(buffer);
        length = 0;
        if (n > 0) {
            encode(n);
        } else {
            finished = true;
        }
        if (finished) {
            if (!atLineStart) {
                if (!prevCr) {
                    put('\r');
                }
                put('\n');
            }
            for (byte b : TERMINATOR) {
                put(b);
            }
            close();
        }
        return new Chunk(alloc.buffer(length).writeBytes(encoded, 0, length), finished);
    }

    private void encode(int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (atLineStart) {
                if (!inHeaders && bodyLinesLeft == 0) {
                    finished = true; // TOP has sent its lines; the unterminated-line fix must not apply
                    return;
                }
                atLineStart = false;
                lineLength = 0;
                if (b == '.') {
                    put('.'); // RFC 1939 3: byte-stuff the termination octet
                }
            }
            if (b == '\n') {
                if (!prevCr) {
                    put('\r');
                }
                put('\n');
                endLine();
                continue;
            }
            put(b);
            prevCr = b == '\r';
            lineLength++;
        }
    }

    private void put(int b) {
        encoded[length++] = (byte) b;
    }

    private void endLine() {
        boolean empty = lineLength == 0 || (lineLength == 1 && prevCr);
        if (inHeaders) {
            inHeaders = !empty;
        } else if (bodyLinesLeft > 0) {
            bodyLinesLeft--;
        }
        atLineStart = true;
        prevCr = false;
    }

    @Override
    public void close() throws IOException {
        finished = true;
        in.close();
    }
}
