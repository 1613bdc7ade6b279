package org.dirmail.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.dirmail.mta.net.RenegotiationGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects one {@link SmtpSession} to its channel: the connection limits, the (delayed) greeting
 * and the pregreet test, the TLS handshakes, the idle and DATA timeouts, and the replies. While a
 * directory lookup, a login check or a queue write is pending it turns auto-read off and holds
 * already-decoded pipelined lines, so replies stay in order (RFC 2920 3) and no event-loop thread
 * ever blocks. Replies are flushed when the input at hand is used up, not one by one. Trusts only
 * {@link SmtpLine} framing.
 */
final class SmtpServerHandler extends ChannelInboundHandlerAdapter {

    /** User events the server fires at each session. */
    enum ServerEvent {
        /**
         * The server is stopping: say 421 (RFC 5321 3.8) now to an idle session; one inside a
         * transaction may finish it first (its 250 means queued), then gets the 421.
         */
        SHUTDOWN,
        /** The grace for finishing transactions is over: 421 now, or once the pending step has answered. */
        DEADLINE
    }

    private static final Logger log = LoggerFactory.getLogger(SmtpServerHandler.class);

    private final SmtpRole role;
    private final SmtpSettings settings;
    private final SmtpServices services;

    private final Queue<SmtpLine> held = new ArrayDeque<>();
    private SmtpSession session;
    private String clientIp;
    /** A connection slot is ours to give back. */
    private boolean counted;
    private Future<?> delayedGreeting;
    private boolean greeted;
    /** An {@link SmtpStep.Await} is outstanding: every new line waits in {@link #held}. */
    private boolean waiting;
    /** A closing reply has been written; nothing more may be. */
    private boolean closing;
    /** The server is stopping: 421 as soon as no step is pending and no transaction is open. */
    private boolean shutdownRequested;
    /** The stop's grace is over: 421 as soon as no step is pending, transaction or not. */
    private boolean shutdownDeadline;
    /** STARTTLS was accepted; the handshake starts once the input at hand is used up. */
    private boolean startTlsPending;
    /** The client sent lines after STARTTLS without waiting for our 220. */
    private boolean sentAfterStartTls;
    private boolean dataTimeout;

    SmtpServerHandler(SmtpRole role, SmtpSettings settings, SmtpServices services) {
        this.role = role;
        this.settings = settings;
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress peer = ctx.channel().remoteAddress();
        InetAddress address = null;
        int port = 0;
        clientIp = String.valueOf(peer);
        if (peer instanceof InetSocketAddress inet) {
            address = inet.getAddress();
            clientIp = address.getHostAddress();
            port = inet.getPort();
        }
        log.info("connect from unknown[{}]:{} to {}", clientIp, port, role);
        session = new SmtpSession(settings, role, services, ctx.alloc(), ctx.executor(), address, clientIp);
        if (!services.connections().tryAcquire(clientIp)) {
            log.warn("too many connections from unknown[{}]", clientIp);
            closeWith(ctx, SmtpReply.TOO_MANY_CONNECTIONS); // on SMTPS it waits for the handshake
            return;
        }
        counted = true;
        services.metrics().smtpConnectionOpened(role);
        if (role.implicitTls()) {
            return; // greeted when the handshake completes
        }
        Duration delay = role == SmtpRole.MX ? settings.greetingDelay() : Duration.ZERO;
        if (delay.isZero()) {
            greet(ctx);
        } else {
            delayedGreeting = ctx.executor().schedule(() -> greet(ctx), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** RFC 5321 4.3.1: the client speaks only after our 220; one that did not wait is a bot. */
    private void greet(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        if (decoder(ctx).hasPartialLine()) {
            pregreet(ctx);
            return;
        }
        greeted = true;
        ctx.writeAndFlush(encode(ctx, session.greeting()));
    }

    private void pregreet(ChannelHandlerContext ctx) {
        log.info("PREGREET from unknown[{}]: data before the greeting", clientIp);
        closeWith(ctx, SmtpReply.PREGREET);
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
        if (!greeted) {
            pregreet(ctx);
        } else if (waiting) {
            held.add(line);
        } else {
            process(ctx, line);
        }
    }

    /** The decoder has handed us everything it had: send the batch of replies (RFC 2920 3.2). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        startTlsIfPending(ctx);
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            log.info("timeout after {} from unknown[{}]", session.state(), clientIp);
            closeWith(ctx, SmtpReply.of(421, "4.4.2", settings.hostname() + " Error: timeout exceeded"));
        } else if (event instanceof SslHandshakeCompletionEvent handshake) {
            handshakeCompleted(ctx, handshake);
        } else if (event == ServerEvent.SHUTDOWN) {
            shutdownRequested = true;
            closeIfShuttingDown(ctx);
        } else if (event == ServerEvent.DEADLINE) {
            shutdownDeadline = true;
            closeIfShuttingDown(ctx);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.clear();
        closing = true;
        if (delayedGreeting != null) {
            delayedGreeting.cancel(false);
        }
        if (counted) {
            services.connections().release(clientIp);
            services.metrics().smtpConnectionClosed(role);
            counted = false;
        }
        if (session != null) {
            session.close();
            log.info("disconnect from unknown[{}] {}", clientIp, session.counts());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            log.info("TLS error from unknown[{}]: {}", clientIp, tlsProblem(cause.getCause())); // hostile bytes, not a bug
        } else {
            log.warn("closing connection from unknown[{}] after error", clientIp, cause);
        }
        closing = true;
        ctx.close();
    }

    private void process(ChannelHandlerContext ctx, SmtpLine line) {
        if (startTlsPending) {
            sentAfterStartTls = true; // RFC 3207 4.2: never act on it (CVE-2011-0411)
            return;
        }
        apply(ctx, session.onLine(line));
    }

    private void apply(ChannelHandlerContext ctx, SmtpStep step) {
        if (step instanceof SmtpStep.Reply reply) {
            if (reply.close()) {
                closeWith(ctx, reply.reply());
            } else {
                ctx.write(encode(ctx, reply.reply()));
            }
        } else if (step instanceof SmtpStep.Await<?> await) {
            suspend(ctx, await);
        } else if (step instanceof SmtpStep.StartTls) {
            startTlsPending = true;
        }
        adjustTimeout(ctx);
        closeIfShuttingDown(ctx);
    }

    /**
     * During a stop, a session leaves once no step is pending and, until the deadline, once its
     * transaction is over: a client in the middle of DATA gets its 250 (the message is queued)
     * before the 421, instead of losing the message and sending it again.
     */
    private void closeIfShuttingDown(ChannelHandlerContext ctx) {
        if (shutdownRequested && !waiting && (shutdownDeadline || !session.transactionOpen())) {
            closeWith(ctx, SmtpReply.SHUTTING_DOWN);
        }
    }

    /** Inside DATA the client gets {@code dataTimeout} of silence, elsewhere {@code idleTimeout}. */
    private void adjustTimeout(ChannelHandlerContext ctx) {
        boolean inData = session.state() == SmtpSession.State.DATA;
        if (inData != dataTimeout && !closing) {
            dataTimeout = inData;
            ctx.pipeline().replace(SmtpServerInitializer.IDLE, SmtpServerInitializer.IDLE,
                    SmtpServerInitializer.idleHandler(inData ? settings.dataTimeout() : settings.idleTimeout()));
        }
    }

    /**
     * RFC 3207 4.2: nothing the client sent in clear after STARTTLS may count as sent under TLS.
     * Discarding it silently would hide an injection attempt and leave the client and us
     * disagreeing about what was said, so such a client is refused and disconnected instead.
     * Otherwise the 220 goes out in clear and the handshake starts.
     */
    private void startTlsIfPending(ChannelHandlerContext ctx) {
        if (!startTlsPending || closing) {
            return;
        }
        startTlsPending = false;
        if (sentAfterStartTls || decoder(ctx).hasPartialLine()) {
            log.warn("refused STARTTLS from unknown[{}]: data pipelined after STARTTLS (possible command injection)",
                    clientIp);
            closeWith(ctx, SmtpReply.DATA_AFTER_STARTTLS);
            return;
        }
        SSLEngine engine;
        try {
            engine = services.tls().orElseThrow().get();
        } catch (RuntimeException e) {
            log.warn("no TLS engine for unknown[{}]: {}", clientIp, e.toString());
            ctx.write(encode(ctx, SmtpReply.TLS_UNAVAILABLE));
            return;
        }
        // startTls = true: the first write, our 220, passes in clear; everything after is TLS.
        RenegotiationGuard.addFirst(ctx.pipeline(), SmtpServerInitializer.TLS, new SslHandler(engine, true));
        ctx.write(encode(ctx, SmtpReply.READY_FOR_TLS));
    }

    private void handshakeCompleted(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        services.metrics().tlsHandshake("smtp", handshake.isSuccess());
        if (closing) {
            return;
        }
        if (!handshake.isSuccess()) {
            log.info("TLS handshake failed from unknown[{}]: {}", clientIp, tlsProblem(handshake.cause()));
            closing = true;
            ctx.close();
            return;
        }
        SSLSession tls = ctx.pipeline().get(SslHandler.class).engine().getSession();
        log.info("TLS connection established from unknown[{}]: {} with cipher {}",
                clientIp, tls.getProtocol(), tls.getCipherSuite());
        if (role.implicitTls()) {
            greet(ctx);
        } else {
            session.tlsStarted(); // RFC 3207 4.2: back to "need EHLO"
        }
    }

    /** Stops reading; the answer arrives on some other thread and hops back to our event loop. */
    private <T> void suspend(ChannelHandlerContext ctx, SmtpStep.Await<T> await) {
        waiting = true;
        ctx.channel().config().setAutoRead(false);
        await.stage().whenComplete((value, failure) ->
                ctx.executor().execute(() -> resume(ctx, await, value, failure)));
    }

    /** On the event loop again: answer, then work through the lines that arrived meanwhile. */
    private <T> void resume(ChannelHandlerContext ctx, SmtpStep.Await<T> await, T value, Throwable failure) {
        if (closing) {
            return;
        }
        waiting = false;
        apply(ctx, await.then().apply(value, failure));
        SmtpLine line;
        while (!waiting && !closing && (line = held.poll()) != null) {
            process(ctx, line);
        }
        startTlsIfPending(ctx);
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
        ctx.writeAndFlush(encode(ctx, reply)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Every reply leaves through here, so the metrics see each one exactly once. */
    private ByteBuf encode(ChannelHandlerContext ctx, SmtpReply reply) {
        services.metrics().smtpReply(reply);
        return reply.encode(ctx.alloc());
    }

    /** Netty's NotSslRecordException quotes the client's bytes in hex: they may hold an AUTH line. */
    private static String tlsProblem(Throwable cause) {
        return cause instanceof NotSslRecordException ? "not a TLS record" : cause.toString();
    }

    private static SmtpLineDecoder decoder(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(SmtpLineDecoder.class);
    }
}
