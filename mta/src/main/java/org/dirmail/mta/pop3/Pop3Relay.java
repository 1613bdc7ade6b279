package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the bytes of a proxied POP3 session between the client and the user's node, unchanged, in
 * both directions. Backpressure: a side stops reading while the other cannot take more. When
 * either side closes, times out, or the server stops, both are closed and one log line says how
 * much went each way. Both channels share one event loop, so nothing here is synchronised.
 * Interprets nothing it copies.
 */
final class Pop3Relay extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Pop3Relay.class);

    /** One proxied session: both channels and what went through. */
    private static final class Link {
        private final Channel client;
        private final Channel node;
        private final String description;
        private long fromClient;
        private long fromNode;
        private boolean ended;

        Link(Channel client, Channel node, String description) {
            this.client = client;
            this.node = node;
            this.description = description;
        }

        void end(String why) {
            if (ended) {
                return;
            }
            ended = true;
            log.info("pop3 proxy end {}: {}, {} octets from client, {} from node", description, why, fromClient,
                    fromNode);
            closeAfterFlush(client);
            closeAfterFlush(node);
        }
    }

    private final Link link;
    private final Channel peer;
    private final boolean clientSide;

    private Pop3Relay(Link link, boolean clientSide) {
        this.link = link;
        this.clientSide = clientSide;
        this.peer = clientSide ? link.node : link.client;
    }

    /**
     * Joins {@code client} (whose POP3 handlers are being removed) to the logged-in {@code node}:
     * the node's login reply goes to the client first, then {@code pipelined} (lines the client sent
     * after its login command) to the node, then both read again. On the shared event loop.
     */
    static void join(Channel client, Pop3ProxyConnector.Connected node, List<ByteBuf> pipelined, String description) {
        Link link = new Link(client, node.channel(), description);
        client.write(Unpooled.copiedBuffer(node.loginReply() + "\r\n", StandardCharsets.ISO_8859_1));
        client.pipeline().addLast("relay", new Pop3Relay(link, true));
        node.channel().pipeline().addLast("relay", new Pop3Relay(link, false));
        node.channel().pipeline().remove(Pop3ProxyLogin.class);
        // A partial line the node sent after its reply flows on to the client, after that reply.
        node.channel().pipeline().remove(LineBasedFrameDecoder.class);
        for (ByteBuf line : pipelined) {
            link.fromClient += line.readableBytes();
            node.channel().write(line);
        }
        client.flush();
        node.channel().flush();
        if (!client.isActive() || !node.channel().isActive()) {
            link.end("closed while joining");
            return;
        }
        client.config().setAutoRead(true);
        node.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data) || link.ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (clientSide) {
            link.fromClient += data.readableBytes();
        } else {
            link.fromNode += data.readableBytes();
        }
        peer.write(data);
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false); // resumed by the peer's writability change
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        ctx.fireChannelReadComplete();
    }

    /** Our side drained its write buffer: the other side may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !link.ended) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            link.end("idle timeout");
        } else if (event == Pop3ServerHandler.ServerEvent.SHUTDOWN) {
            link.end("server shutting down");
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        link.end(clientSide ? "client closed" : "node closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        link.end((clientSide ? "client" : "node") + " error: " + cause);
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
