package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.net.RenegotiationGuard;
import org.dirmail.mta.pop3.Pop3Session.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects one {@link Pop3Session} to its channel. While a login, a disk task or a message
 * transfer is pending it turns auto-read off and holds pipelined lines (RFC 2449 6.6), so replies
 * stay in order and the event loop never blocks; message chunks are read by the session's
 * {@link MailboxWorker} and the next one is read only when the previous one is written. STLS
 * installs TLS only when no other input is buffered. Trusts only {@link Pop3Line} framing.
 */
final class Pop3ServerHandler extends ChannelInboundHandlerAdapter {

    /** User events the server fires at each session. */
    enum ServerEvent {
        /** The server is stopping: say so (deleting nothing) once the pending step has answered. */
        SHUTDOWN
    }

    private static final Logger log = LoggerFactory.getLogger(Pop3ServerHandler.class);
    private static final byte[] CRLF = {'\r', '\n'};

    private final Pop3Settings settings;
    private final Authenticator authenticator;
    private final AuthThrottle throttle;
    private final Supplier<SSLEngine> tls;
    private final boolean implicitTls;
    private final Executor diskExecutor;
    private final Pop3ProxyConnector proxy;
    private final DirmailMetrics metrics;

    private final Queue<Pop3Line> held = new ArrayDeque<>();
    private Pop3Session session;
    private String clientIp;
    /** A step is outstanding: every new line waits in {@link #held}. */
    private boolean waiting;
    /** STLS was accepted; TLS starts once this read's lines are seen. */
    private boolean tlsPending;
    /** A closing reply has been written; nothing more may be. */
    private boolean closing;
    private boolean shutdownRequested;

    /**
     * @param tls          makes server-mode engines; null when this listener has no TLS
     * @param implicitTls  POP3S: the initializer put TLS first in the pipeline
     * @param diskExecutor runs the blocking Maildir work
     * @param proxy        reaches users' nodes; null when this server does not proxy
     * @param metrics      told of logins, refused passwords and TLS handshakes
     */
    Pop3ServerHandler(Pop3Settings settings, Authenticator authenticator, AuthThrottle throttle,
            Supplier<SSLEngine> tls, boolean implicitTls, Executor diskExecutor, Pop3ProxyConnector proxy,
            DirmailMetrics metrics) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.diskExecutor = diskExecutor;
        this.proxy = proxy;
        this.metrics = metrics;
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
        log.info("pop3 connect from [{}]:{}{}", clientIp, port, implicitTls ? " (pop3s)" : "");
        MailboxWorker worker = new MailboxWorker(diskExecutor);
        Pop3Login login = new Pop3Login(settings, authenticator, throttle, ctx.channel().eventLoop(), worker, proxy,
                clientIp);
        session = new Pop3Session(settings, login, worker, clientIp, tls != null && !implicitTls, implicitTls);
        ctx.writeAndFlush(Pop3Reply.GREETING.encode(ctx.alloc())); // with TLS first, sent after the handshake
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Pop3Line line)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            return;
        }
        if (waiting) {
            held.add(line);
        } else {
            apply(ctx, session.onLine(line));
        }
    }

    /** The decoder has handed us everything it had: start TLS if asked, send the batch of replies. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (tlsPending) {
            startTls(ctx);
        }
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            log.info("pop3 timeout in {} from [{}]", session.state(), clientIp);
            closeWith(ctx, Pop3Reply.TIMEOUT);
        } else if (event instanceof SslHandshakeCompletionEvent handshake) {
            metrics.tlsHandshake("pop3", handshake.isSuccess());
            if (!handshake.isSuccess()) {
                log.info("pop3 TLS handshake failed from [{}]: {}", clientIp, String.valueOf(handshake.cause()));
                closing = true;
                ctx.close();
            }
        } else if (event == ServerEvent.SHUTDOWN) {
            if (waiting) {
                shutdownRequested = true; // let the pending step answer first
            } else {
                closeWith(ctx, Pop3Reply.SHUTTING_DOWN);
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
            session.close(); // deletes nothing: only QUIT commits (RFC 1939 6)
            log.info("pop3 disconnect from [{}] {}", clientIp, session.summary());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("pop3 closing connection from [{}] after error: {}", clientIp, String.valueOf(cause));
        closing = true;
        ctx.close();
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
        } else if (step instanceof Step.StartTls) {
            pause(ctx);
            tlsPending = true;
        } else if (step instanceof Step.Stream stream) {
            pause(ctx);
            ctx.write(stream.status().encode(ctx.alloc()));
            pump(ctx, stream);
        } else if (step instanceof Step.Relay relay) {
            startRelay(ctx, relay.node());
        }
    }

    /**
     * Hands the connection to {@link Pop3Relay}: lines the client pipelined after its login go to
     * the node as the client sent them; a malformed one, never sent on, ends both connections.
     */
    private void startRelay(ChannelHandlerContext ctx, Pop3ProxyConnector.Connected node) {
        if (shutdownRequested) {
            node.channel().close();
            closeWith(ctx, Pop3Reply.SHUTTING_DOWN);
            return;
        }
        closing = true; // this handler says nothing more
        Pop3LineDecoder decoder = ctx.pipeline().get(Pop3LineDecoder.class);
        List<ByteBuf> pipelined = new ArrayList<>();
        boolean malformed = false;
        for (Pop3Line line : held) {
            malformed |= line.tooLong() || line.bareLineEnd();
            pipelined.add(Unpooled.wrappedBuffer(line.content(), CRLF));
        }
        held.clear();
        ByteBuf partial = decoder.takePartialLine();
        if (partial == null) {
            malformed = true;
        } else if (partial.isReadable()) {
            pipelined.add(partial);
        }
        if (malformed) {
            log.info("pop3 proxy for [{}] to {} not started: malformed line pipelined after the login", clientIp,
                    node.target());
            pipelined.forEach(ByteBuf::release);
            node.channel().close();
            ctx.close();
            return;
        }
        ctx.pipeline().remove(decoder);
        ctx.pipeline().remove(this);
        Pop3Relay.join(ctx.channel(), node, pipelined, "[" + clientIp + "] to " + node.target());
    }

    private void pause(ChannelHandlerContext ctx) {
        waiting = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Stops reading; the answer arrives on some other thread and hops back to our event loop. */
    private <T> void suspend(ChannelHandlerContext ctx, Step.Await<T> await) {
        pause(ctx);
        await.stage().whenComplete((value, failure) ->
                ctx.executor().execute(() -> {
                    countLogin(value);
                    if (!closing) {
                        waiting = false;
                        apply(ctx, await.then().apply(value, failure));
                        proceed(ctx);
                    }
                }));
    }

    /** Logins and refused passwords, for the metrics; what follows is the session's business. */
    private void countLogin(Object outcome) {
        if (outcome instanceof Pop3Login.Outcome.LoggedIn || outcome instanceof Pop3Login.Outcome.Proxied) {
            metrics.pop3Login();
        } else if (outcome instanceof Pop3Login.Outcome.Refused refused
                && refused.reply().equals(Pop3Reply.AUTH_FAILED)) {
            metrics.authFailure("pop3");
        }
    }

    /** Reads the next chunk off the loop; writes it; asks for the next only once it is written. */
    private void pump(ChannelHandlerContext ctx, Step.Stream stream) {
        ctx.flush();
        stream.worker().next(ctx.alloc()).whenComplete((chunk, failure) -> {
            try {
                ctx.executor().execute(() -> write(ctx, stream, chunk, failure));
            } catch (RejectedExecutionException e) { // the loop stopped with the server
                if (chunk != null) {
                    chunk.data().release();
                }
            }
        });
    }

    private void write(ChannelHandlerContext ctx, Step.Stream stream, MessageReader.Chunk chunk, Throwable failure) {
        if (closing) {
            if (chunk != null) {
                chunk.data().release();
            }
            return;
        }
        if (failure != null) { // "+OK" is out: closing is the only honest end (RFC 1939 3)
            log.warn("pop3 message transfer to [{}] failed: {}", clientIp, String.valueOf(failure));
            closing = true;
            ctx.close();
            return;
        }
        ctx.writeAndFlush(chunk.data()).addListener(written -> {
            if (!written.isSuccess() || closing) {
                return; // the channel is closing; channelInactive releases the mailbox
            }
            if (chunk.last()) {
                stream.sent().run();
                waiting = false;
                proceed(ctx);
            } else {
                pump(ctx, stream);
            }
        });
    }

    /** On the event loop after a step finished: work through the held lines, then read again. */
    private void proceed(ChannelHandlerContext ctx) {
        if (shutdownRequested && !waiting) {
            closeWith(ctx, Pop3Reply.SHUTTING_DOWN);
        }
        Pop3Line line;
        while (!waiting && !closing && (line = held.poll()) != null) {
            apply(ctx, session.onLine(line));
        }
        if (tlsPending) {
            startTls(ctx);
        }
        if (!waiting && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.flush();
    }

    /** RFC 2595 4 and the STARTTLS injection class (CVE-2011-0411): plaintext sent after STLS is refused. */
    private void startTls(ChannelHandlerContext ctx) {
        tlsPending = false;
        Pop3LineDecoder decoder = ctx.pipeline().get(Pop3LineDecoder.class);
        if (!held.isEmpty() || (decoder != null && decoder.hasPartialLine())) {
            log.info("pop3 data pipelined after STLS from [{}]", clientIp);
            closeWith(ctx, Pop3Reply.TLS_PIPELINED);
            return;
        }
        // startTls=true: our +OK leaves in plaintext, everything after it is TLS.
        RenegotiationGuard.addFirst(ctx.pipeline(), "tls", new SslHandler(tls.get(), true));
        ctx.write(Pop3Reply.BEGIN_TLS.encode(ctx.alloc()));
        session.tlsStarted();
        waiting = false;
        ctx.channel().config().setAutoRead(true);
        ctx.flush();
    }

    private void closeWith(ChannelHandlerContext ctx, Pop3Reply reply) {
        if (closing) {
            return;
        }
        closing = true;
        held.clear();
        ctx.writeAndFlush(reply.encode(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
