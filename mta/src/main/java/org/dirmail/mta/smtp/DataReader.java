package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Collects the lines of one DATA phase into a buffer bounded by the size limit: dot-unstuffs them
 * (RFC 5321 4.5.2), counts {@code Received:} fields for loop detection (RFC 5321 6.3) and notes
 * every framing fault. Faults never end the data early: we read on to CRLF.CRLF and only then say
 * no, so the client and we agree where the message ended. Holds one buffer; {@link #release()}
 * or {@link #take()} must be called on every path.
 */
final class DataReader {

    /** RFC 5321 6.3: a count of Received fields at which a loop is assumed. */
    static final int MAX_RECEIVED = 100;
    private static final int INITIAL_CAPACITY = 8192;
    private static final byte[] RECEIVED = "received:".getBytes(StandardCharsets.US_ASCII);

    private final int maxMessageSize;
    /** Null once taken, released, or when the message is being discarded. */
    private ByteBuf body;
    private long size;
    private boolean inHeader = true;
    private int receivedFields;
    private boolean bareLineEnd;
    private boolean lineTooLong;

    DataReader(ByteBufAllocator alloc, int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
        this.body = alloc.buffer(Math.min(INITIAL_CAPACITY, maxMessageSize), maxMessageSize);
    }

    /** Takes one line; true when it was the terminating {@code "."} and nothing more is expected. */
    boolean offer(SmtpLine line) {
        if (line.isEndOfData()) {
            return true;
        }
        if (line.bareLineEnd() || line.tooLong()) {
            bareLineEnd |= line.bareLineEnd();
            lineTooLong |= line.tooLong();
            release();
            return false;
        }
        byte[] content = line.content();
        int offset = content.length > 0 && content[0] == '.' ? 1 : 0;
        int length = content.length - offset;
        if (inHeader) {
            if (length == 0) {
                inHeader = false;
            } else if (startsWithReceived(content, offset)) {
                receivedFields++;
            }
        }
        size += length + 2;
        if (size > maxMessageSize) {
            release();
        } else if (body != null) {
            body.writeBytes(content, offset, length).writeByte('\r').writeByte('\n');
        }
        return false;
    }

    /** After the end: why the message must be refused, if it must; framing faults come first. */
    Optional<SmtpReply> rejection() {
        if (bareLineEnd) {
            return Optional.of(SmtpReply.BARE_LINE_END_IN_DATA);
        }
        if (lineTooLong) {
            return Optional.of(SmtpReply.TEXT_LINE_TOO_LONG);
        }
        if (size > maxMessageSize) {
            return Optional.of(SmtpReply.SIZE_EXCEEDED);
        }
        if (receivedFields >= MAX_RECEIVED) {
            return Optional.of(SmtpReply.MAIL_LOOP);
        }
        return Optional.empty();
    }

    /** The message octets counted so far (after unstuffing, CRLF included). */
    long size() {
        return size;
    }

    /** Hands the unstuffed body to the caller, who then owns it. Only when there is no rejection. */
    ByteBuf take() {
        if (body == null || rejection().isPresent()) {
            throw new IllegalStateException("no acceptable message to take");
        }
        ByteBuf taken = body;
        body = null;
        return taken;
    }

    /** Frees the buffer; safe to call more than once. */
    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private static boolean startsWithReceived(byte[] content, int offset) {
        if (content.length - offset < RECEIVED.length) {
            return false;
        }
        for (int i = 0; i < RECEIVED.length; i++) {
            if (Character.toLowerCase(content[offset + i]) != RECEIVED[i]) {
                return false;
            }
        }
        return true;
    }
}
