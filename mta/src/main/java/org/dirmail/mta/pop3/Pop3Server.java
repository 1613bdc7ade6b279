package org.dirmail.mta.pop3;

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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 (STLS) or POP3S listener with its own event loops and a small pool for Maildir I/O.
 * {@link #start} binds it; {@link #close} stops accepting, tells every session it is shutting
 * down (deleting nothing), unlocks the maildrops and frees the threads. Thread-safe; holds no
 * credentials.
 */
public final class Pop3Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pop3Server.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** Disk threads: enough to overlap a few slow reads, few enough not to thrash the disk. */
    private static final int DISK_THREADS = 4;

    private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ExecutorService disk =
            Executors.newFixedThreadPool(DISK_THREADS, new DefaultThreadFactory("pop3-disk", true));
    private final ChannelGroup sessions = new DefaultChannelGroup("pop3-sessions", GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private boolean closed;

    private Pop3Server() {
    }

    /**
     * Starts a listener on {@code host:port}; port 0 picks a free port (see {@link #port()}).
     * Blocks until bound; on failure nothing is left running.
     *
     * @param authenticator checks logins; may complete on any thread
     * @param throttle      shared with SMTP AUTH, so guessing on one protocol counts on both
     * @param tls           makes server-mode TLS engines; null for a listener without STLS
     * @param implicitTls   POP3S: TLS from the first byte ({@code tls} required)
     */
    public static Pop3Server start(String host, int port, Pop3Settings settings, Authenticator authenticator,
            AuthThrottle throttle, Supplier<SSLEngine> tls, boolean implicitTls) throws InterruptedException {
        Pop3Server server = new Pop3Server();
        try {
            server.listener = new ServerBootstrap()
                    .group(server.acceptor, server.workers)
                    .channel(NioServerSocketChannel.class)
                    .handler(server.new SessionTracker())
                    .childHandler(new Pop3ServerInitializer(settings, authenticator, throttle, tls, implicitTls,
                            server.disk))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            server.shutdown();
            throw e;
        }
        log.info("{} listening on {}{}", implicitTls ? "pop3s" : "pop3", server.listener.localAddress(),
                tls != null && !implicitTls ? " (STLS)" : "");
        return server;
    }

    /** The port actually bound. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting, closes each session after its pending step, waits a bounded time. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close().sync();
            for (Channel session : sessions) {
                session.pipeline().fireUserEventTriggered(Pop3ServerHandler.ServerEvent.SHUTDOWN);
            }
            sessions.newCloseFuture().await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdown();
        }
    }

    /** The loops first; the disk pool last, so the queued unlocks and commits still run. */
    private void shutdown() {
        acceptor.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS).syncUninterruptibly();
        disk.shutdown();
        try {
            disk.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
