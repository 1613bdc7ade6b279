package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.Arrays;
import java.util.List;

/**
 * Frames hostile bytes into {@link SmtpLine}s: only CRLF ends a line (RFC 5321 2.3.8). A bare CR
 * or LF is kept inside the line and flagged, so it can never end a command or a message early
 * (the SMTP smuggling class, CVE-2023-51764); a line longer than {@link #MAX_LINE_OCTETS} is
 * flagged and its bytes discarded up to the next CRLF, so memory per connection stays bounded.
 *
 * <p>Unlike Netty's {@code LineBasedFrameDecoder} this never treats LF alone as a line end. It is
 * not sharable: it keeps the partial line of one connection.
 */
final class SmtpLineDecoder extends ByteToMessageDecoder {

    /** RFC 5321 4.5.3.1.6: the longest text line, CRLF included; command lines are shorter still. */
    static final int MAX_LINE_OCTETS = 1000;
    private static final int MAX_CONTENT = MAX_LINE_OCTETS - 2;

    private final byte[] content = new byte[MAX_CONTENT];
    private int stored;
    /** Octets of the current line before its CRLF, including discarded ones; capped. */
    private int seen;
    private boolean bareLineEnd;
    /** The last octet read was a CR whose successor has not arrived yet. */
    private boolean pendingCr;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (pendingCr) {
                pendingCr = false;
                if (in.getByte(in.readerIndex()) == '\n') {
                    in.skipBytes(1);
                    out.add(finishLine());
                    continue;
                }
                bareLineEnd = true;
                appendByte((byte) '\r');
            }
            int end = in.forEachByte(ByteProcessor.FIND_CRLF);
            if (end < 0) {
                append(in, in.readableBytes());
                return;
            }
            append(in, end - in.readerIndex());
            if (in.readByte() == '\r') {
                pendingCr = true;
            } else {
                bareLineEnd = true;
                appendByte((byte) '\n');
            }
        }
    }

    /**
     * True when bytes of an unfinished line are held: a client that sent them before our greeting
     * or together with STARTTLS broke the protocol (RFC 5321 4.3.1, RFC 3207 4.2).
     */
    boolean hasPartialLine() {
        return seen > 0 || pendingCr || actualReadableBytes() > 0;
    }

    private void append(ByteBuf in, int length) {
        int copied = Math.min(length, MAX_CONTENT - stored);
        if (copied > 0) {
            in.readBytes(content, stored, copied);
            stored += copied;
        }
        in.skipBytes(length - copied);
        seen = (int) Math.min((long) seen + length, MAX_CONTENT + 1);
    }

    private void appendByte(byte b) {
        if (stored < MAX_CONTENT) {
            content[stored++] = b;
        }
        seen = Math.min(seen + 1, MAX_CONTENT + 1);
    }

    private SmtpLine finishLine() {
        boolean tooLong = seen > MAX_CONTENT;
        SmtpLine line = new SmtpLine(
                tooLong ? new byte[0] : Arrays.copyOf(content, stored),
                seen + 2,
                bareLineEnd,
                tooLong);
        stored = 0;
        seen = 0;
        bareLineEnd = false;
        return line;
    }
}
