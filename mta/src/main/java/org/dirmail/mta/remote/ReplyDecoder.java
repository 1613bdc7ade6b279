package org.dirmail.mta.remote;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames a remote server's bytes into {@link ClientReply}s, strictly: only CRLF ends a line
 * (a bare CR or LF is a protocol error), each line is {@code ddd}, {@code ddd text} or
 * {@code ddd-text} with a 2xx to 5xx code, the lines of a multi-line reply share their code
 * (RFC 5321 4.2.1), and lines and replies are bounded so a hostile server cannot exhaust memory.
 * Not sharable: it holds one connection's partial reply.
 */
final class ReplyDecoder extends ByteToMessageDecoder {

    /** RFC 5321 4.5.3.1.5 says 512 octets per reply line; real servers exceed it a little. */
    static final int MAX_LINE_OCTETS = 2048;
    /** An EHLO reply has one line per extension; 100 is far beyond any real one. */
    static final int MAX_LINES = 100;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() > MAX_LINE_OCTETS) {
                    throw new DecoderException("reply line longer than " + MAX_LINE_OCTETS + " octets");
                }
                return;
            }
            int length = lf - in.readerIndex() + 1;
            if (length > MAX_LINE_OCTETS) {
                throw new DecoderException("reply line longer than " + MAX_LINE_OCTETS + " octets");
            }
            if (length < 2 || in.getByte(lf - 1) != '\r') {
                throw new DecoderException("bare LF in reply");
            }
            String line = in.toString(in.readerIndex(), length - 2, StandardCharsets.ISO_8859_1);
            in.skipBytes(length);
            ClientReply reply = line(line);
            if (reply != null) {
                out.add(reply);
            }
        }
    }

    /** True when part of a reply has been read: bytes sent with the 220 to STARTTLS (RFC 3207 4.2). */
    boolean hasBufferedInput() {
        return !lines.isEmpty() || actualReadableBytes() > 0;
    }

    private ClientReply line(String line) {
        if (line.indexOf('\r') >= 0) {
            throw new DecoderException("bare CR in reply");
        }
        if (line.length() < 3 || !validCode(line) || (line.length() > 3 && line.charAt(3) != ' '
                && line.charAt(3) != '-')) {
            throw new DecoderException("malformed reply line");
        }
        int lineCode = Integer.parseInt(line.substring(0, 3));
        if (code >= 0 && lineCode != code) {
            throw new DecoderException("reply code changed inside a multi-line reply");
        }
        if (lines.size() >= MAX_LINES) {
            throw new DecoderException("reply has more than " + MAX_LINES + " lines");
        }
        code = lineCode;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() > 3 && line.charAt(3) == '-') {
            return null;
        }
        ClientReply reply = ClientReply.of(code, lines);
        lines.clear();
        code = -1;
        return reply;
    }

    /** RFC 5321 4.2: first digit 2 to 5, second 0 to 5, third any digit. */
    private static boolean validCode(String line) {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        return a >= '2' && a <= '5' && b >= '0' && b <= '5' && c >= '0' && c <= '9';
    }
}
