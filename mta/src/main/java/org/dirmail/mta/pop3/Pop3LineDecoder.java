package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.Arrays;
import java.util.List;

/**
 * Frames hostile bytes into {@link Pop3Line}s. CRLF ends a line (RFC 1939 3); so does a lone LF,
 * but that line is flagged and refused, so a client that sends LF alone gets an error instead of
 * silence and nothing it sends is ever executed. A lone CR stays inside the line and flags it.
 * Lines longer than {@link #MAX_LINE_OCTETS} are flagged and their bytes discarded up to the next
 * line end, so memory per connection stays bounded. Not sharable.
 */
final class Pop3LineDecoder extends ByteToMessageDecoder {

    /**
     * The longest line kept: room for an AUTH PLAIN continuation (RFC 5034 4 lets those exceed the
     * 255-octet command limit of RFC 2449, which the session checks for commands).
     */
    static final int MAX_LINE_OCTETS = 2048;
    private static final int MAX_CONTENT = MAX_LINE_OCTETS - 2;

    private final byte[] content = new byte[MAX_CONTENT];
    private int stored;
    /** Octets of the current line before its end, including discarded ones; capped. */
    private int seen;
    private boolean bareCr;
    /** The last octet read was a CR whose successor has not arrived yet. */
    private boolean pendingCr;

    /** True when part of a line is buffered: STLS must not proceed with plaintext pending (RFC 2595 4). */
    boolean hasPartialLine() {
        return seen > 0 || pendingCr || actualReadableBytes() > 0;
    }

    /**
     * Hands over the octets of an unfinished line, for a proxy that stops parsing here; null when
     * that line is already malformed (too long, or a lone CR). Leaves the decoder empty.
     */
    ByteBuf takePartialLine() {
        if (seen > MAX_CONTENT || bareCr) {
            return null;
        }
        ByteBuf partial = Unpooled.buffer(stored + 1).writeBytes(content, 0, stored);
        if (pendingCr) {
            partial.writeByte('\r');
        }
        stored = 0;
        seen = 0;
        pendingCr = false;
        return partial;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (pendingCr) {
                pendingCr = false;
                if (in.getByte(in.readerIndex()) == '\n') {
                    in.skipBytes(1);
                    out.add(finishLine(2, false));
                    continue;
                }
                bareCr = true;
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
                out.add(finishLine(1, true));
            }
        }
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

    private Pop3Line finishLine(int lineEndOctets, boolean bareLf) {
        boolean tooLong = seen > MAX_CONTENT;
        Pop3Line line = new Pop3Line(
                tooLong ? new byte[0] : Arrays.copyOf(content, stored),
                seen + lineEndOctets,
                bareLf || bareCr,
                tooLong);
        stored = 0;
        seen = 0;
        bareCr = false;
        return line;
    }
}
