package org.dirmail.mta.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening TCP socket with its Netty threads and the set of its live sessions: what the SMTP
 * and POP3 servers share. Closing is graceful and bounded: stop accepting, tell every session
 * (a protocol-specific event), wait up to a deadline, tell those still open that it has passed,
 * then free the threads whatever happens, so a stuck session can never hold up a shutdown.
 */
public final class TcpListener {

    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    /**
     * One loop per CPU, accepting too: Netty's default of two per CPU plus an acceptor only adds
     * wake-ups and thread hops for sessions that mostly wait on the directory and the disk.
     */
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
    private final ChannelGroup sessions = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel channel;
    private boolean stopped;
    private boolean finished;

    private TcpListener() {
    }

    /** Binds {@code host:port} (0 = any free port); blocks until bound; on failure nothing runs. */
    public static TcpListener bind(String host, int port, ChannelHandler childInitializer) throws InterruptedException {
        TcpListener listener = new TcpListener();
        try {
            listener.channel = new ServerBootstrap()
                    .group(listener.workers)
                    .channel(NioServerSocketChannel.class)
                    .handler(listener.new SessionTracker())
                    .childHandler(childInitializer)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            listener.freeThreads();
            throw e;
        }
        return listener;
    }

    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** The port actually bound. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The socket is open and accepting (for the health check). */
    public boolean isBound() {
        return channel.isActive();
    }

    /**
     * Closes the listening socket only, for a rebind on reload: sessions go on, on their threads,
     * until they end or {@link #close} is called. Idempotent.
     */
    public void closeSocket() throws InterruptedException {
        channel.close().sync();
    }

    /** Sessions still open (a retired listener is closed once this reaches zero). */
    public int openSessions() {
        return sessions.size();
    }

    /**
     * Stops accepting, fires {@code shutdownEvent} into every session (each says goodbye in its
     * protocol and closes), waits a bounded time, frees the threads. Idempotent.
     */
    public void close(Object shutdownEvent) {
        stopAccepting(shutdownEvent);
        finish(Instant.now(), shutdownEvent);
    }

    /**
     * Closes the listening socket and fires {@code shutdownEvent} into every session; a session may
     * take its time to close (SMTP lets a transaction finish). Idempotent.
     */
    public synchronized void stopAccepting(Object shutdownEvent) {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            channel.close().sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Channel session : sessions) {
            session.pipeline().fireUserEventTriggered(shutdownEvent);
        }
    }

    /**
     * Waits until every session has closed or {@code deadline} has passed, then fires
     * {@code deadlineEvent} into those still open, waits a bounded time for them and frees the
     * threads whatever happens, so a stuck session can never hold up a shutdown. Idempotent; call
     * after {@link #stopAccepting}.
     */
    public synchronized void finish(Instant deadline, Object deadlineEvent) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            long graceMillis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            if (!sessions.newCloseFuture().await(graceMillis, TimeUnit.MILLISECONDS)) {
                for (Channel session : sessions) {
                    session.pipeline().fireUserEventTriggered(deadlineEvent);
                }
                sessions.newCloseFuture().await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            freeThreads();
        }
    }

    private void freeThreads() {
        awaitBounded(workers.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** A loop blocked by a stuck task never terminates: log it and go on rather than hang. */
    private static void awaitBounded(Future<?> termination) {
        if (!termination.awaitUninterruptibly(2 * CLOSE_WAIT_MILLIS)) {
            log.warn("event loop did not stop within {} ms; continuing shutdown", 2 * CLOSE_WAIT_MILLIS);
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
