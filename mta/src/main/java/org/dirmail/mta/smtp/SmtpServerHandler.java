package org.dirmail.mta.smtp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.smtp.SmtpSession.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects one {@link SmtpSession} to its channel: writes replies, and while a directory lookup
 * or a queue write is pending turns auto-read off and holds already-decoded pipelined lines, so
 * replies stay in order (RFC 2920 3) and no event-loop thread ever blocks. Replies are flushed
 * when the input at hand is used up, not one by one. Trusts only {@link SmtpLine} framing.
 */
final class SmtpServerHandler extends ChannelInboundHandlerAdapter {

    /** User events the server fires at each session. */
    enum ServerEvent {
        /** The server is stopping: say 421 (RFC 5321 3.8) once the pending step has answered. */
        SHUTDOWN
    }

    private static final Logger log = LoggerFactory.getLogger(SmtpServerHandler.class);

    private final SmtpSettings settings;
    private final RecipientResolver resolver;
    private final MessageQueue queue;

    private final Queue<SmtpLine> held = new ArrayDeque<>();
    private SmtpSession session;
    private String clientIp;
    /** An {@link Step.Await} is outstanding: every new line waits in {@link #held}. */
    private boolean waiting;
    /** A closing reply has been written; nothing more may be. */
    private boolean closing;
    private boolean shutdownRequested;

    SmtpServerHandler(SmtpSettings settings, RecipientResolver resolver, MessageQueue queue) {
        this.settings = settings;
        this.resolver = resolver;
        this.queue = queue;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress peer = ctx.channel().remoteAddress();
        int port = 0;
        clientIp = String.valueOf(peer);
        if (peer instanceof InetSocketAddress inet) {
            clientIp = inet.getAddress().getHostAddress();
            port = inet.getPort();
        }
        log.info("connect from [{}]:{}", clientIp, port);
        session = new SmtpSession(settings, resolver, queue, ctx.alloc(), clientIp);
        ctx.writeAndFlush(session.greeting().encode(ctx.alloc()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpLine line)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            return;
        }
        if (waiting) {
            held.add(line);
        } else {
            process(ctx, line);
        }
    }

    /** The decoder has handed us everything it had: send the batch of replies (RFC 2920 3.2). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            log.info("timeout after {} from [{}]", session.state(), clientIp);
            closeWith(ctx, SmtpReply.of(421, "4.4.2", settings.hostname() + " Error: timeout exceeded"));
        } else if (event == ServerEvent.SHUTDOWN) {
            if (waiting) {
                shutdownRequested = true; // let the lookup or queue write answer first
            } else {
                closeWith(ctx, SmtpReply.SHUTTING_DOWN);
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.clear();
        closing = true;
        if (session != null) {
            session.close();
            log.info("disconnect from [{}] {}", clientIp, session.counts());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("closing connection from [{}] after error", clientIp, cause);
        closing = true;
        ctx.close();
    }

    private void process(ChannelHandlerContext ctx, SmtpLine line) {
        apply(ctx, session.onLine(line));
    }

    private void apply(ChannelHandlerContext ctx, Step step) {
        if (step instanceof Step.Reply reply) {
            if (reply.close()) {
                closeWith(ctx, reply.reply());
            } else {
                ctx.write(reply.reply().encode(ctx.alloc()));
            }
        } else if (step instanceof Step.Await<?> await) {
            suspend(ctx, await);
        }
    }

    /** Stops reading; the answer arrives on some other thread and hops back to our event loop. */
    private <T> void suspend(ChannelHandlerContext ctx, Step.Await<T> await) {
        waiting = true;
        ctx.channel().config().setAutoRead(false);
        await.stage().whenComplete((value, failure) ->
                ctx.executor().execute(() -> resume(ctx, await, value, failure)));
    }

    /** On the event loop again: answer, then work through the lines that arrived meanwhile. */
    private <T> void resume(ChannelHandlerContext ctx, Step.Await<T> await, T value, Throwable failure) {
        if (closing) {
            return;
        }
        waiting = false;
        apply(ctx, await.then().apply(value, failure));
        if (shutdownRequested && !waiting) {
            closeWith(ctx, SmtpReply.SHUTTING_DOWN);
        }
        SmtpLine line;
        while (!waiting && !closing && (line = held.poll()) != null) {
            process(ctx, line);
        }
        if (!waiting && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.flush();
    }

    private void closeWith(ChannelHandlerContext ctx, SmtpReply reply) {
        if (closing) {
            return;
        }
        closing = true;
        held.clear();
        ctx.writeAndFlush(reply.encode(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
