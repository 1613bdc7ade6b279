package org.dirmail.mta.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a TLS connection whose client starts a new handshake after the first one finished
 * (client-initiated renegotiation: each costs the server a full handshake, a cheap DoS). The
 * JDK's own switch for this is defeated by Netty's SslHandler, which begins the second handshake
 * itself, so the JDK sees a server-initiated one. Sits in front of the SslHandler and reads only
 * TLS record headers (content type 22 = handshake), never their encrypted contents.
 */
public final class RenegotiationGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RenegotiationGuard.class);
    private static final int HEADER = 5;
    private static final int HANDSHAKE = 22;

    private final SslHandler ssl;
    private final byte[] header = new byte[HEADER];
    private int headerFilled;
    private int bodyLeft;

    private RenegotiationGuard(SslHandler ssl) {
        this.ssl = ssl;
    }

    /** Puts {@code ssl} (named {@code name}) first in the pipeline, with a guard in front of it. */
    public static void addFirst(ChannelPipeline pipeline, String name, SslHandler ssl) {
        pipeline.addFirst(name, ssl);
        pipeline.addFirst(name + "-renegotiation-guard", new RenegotiationGuard(ssl));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && handshakeRecordAfterHandshake(buf)) {
            buf.release();
            log.info("closing TLS connection from {}: client-initiated renegotiation refused", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Walks the record headers in {@code buf} (without consuming it); true on a refused handshake record. */
    private boolean handshakeRecordAfterHandshake(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (bodyLeft > 0) {
                int skip = Math.min(bodyLeft, end - i);
                bodyLeft -= skip;
                i += skip;
                continue;
            }
            header[headerFilled++] = buf.getByte(i++);
            if (headerFilled == HEADER) {
                headerFilled = 0;
                bodyLeft = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
                if ((header[0] & 0xFF) == HANDSHAKE && ssl.handshakeFuture().isSuccess()) {
                    return true;
                }
            }
        }
        return false;
    }
}
