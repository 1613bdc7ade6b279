package org.dirmail.mta.smtp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP listener (MX, submission or SMTPS) with its own event loops. {@link #start} binds it; {@link #close} stops
 * accepting, tells every session 421 (after a pending lookup or queue write has answered) and
 * shuts the loops down. Thread-safe; holds no credentials.
 */
public final class SmtpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ChannelGroup sessions =
            new DefaultChannelGroup("smtp-sessions", GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private boolean closed;

    private SmtpServer() {
    }

    /**
     * Starts one listener; port 0 picks a free port (see {@link #port()}). Blocks until bound; on
     * failure nothing is left running. Every listener of one process gets the same
     * {@code settings} and {@code services}, so the connection limits and the login throttle
     * count across all of them.
     *
     * @throws IllegalArgumentException a submission or SMTPS listener without TLS
     */
    public static SmtpServer start(SmtpListener listener, SmtpSettings settings, SmtpServices services)
            throws InterruptedException {
        var initializer = new SmtpServerInitializer(listener.role(), settings, services);
        SmtpServer server = new SmtpServer();
        try {
            server.listener = new ServerBootstrap()
                    .group(server.acceptor, server.workers)
                    .channel(NioServerSocketChannel.class)
                    .handler(server.new SessionTracker())
                    .childHandler(initializer)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .bind(listener.host(), listener.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            server.shutdownLoops();
            throw e;
        }
        log.info("smtp ({}) listening on {} as {}", listener.role(), server.listener.localAddress(), settings.hostname());
        return server;
    }

    /** The port actually bound. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting, says 421 to each session, waits a bounded time, frees the threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close().sync();
            for (Channel session : sessions) {
                session.pipeline().fireUserEventTriggered(SmtpServerHandler.ServerEvent.SHUTDOWN);
            }
            sessions.newCloseFuture().await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdownLoops();
        }
    }

    private void shutdownLoops() {
        acceptor.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Sees each accepted channel before it is set up, so {@link #close} can reach every session. */
    private final class SessionTracker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            sessions.add((Channel) msg);
            ctx.fireChannelRead(msg);
        }
    }
}
