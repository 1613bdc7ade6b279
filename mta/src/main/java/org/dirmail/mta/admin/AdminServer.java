package org.dirmail.mta.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.dirmail.mta.net.TcpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener: metrics and health for monitoring, nothing that changes state. It
 * has no authentication, so it belongs on loopback or a management network, never the Internet.
 * Requests are tiny and bounded; it has its own threads, so a slow scrape never delays mail.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** A request line, a few headers, no body: far more than a scraper sends. */
    static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final int MAX_INITIAL_LINE = 1024;
    private static final int MAX_HEADER_BYTES = 4096;
    /** A connected client silent this long is dropped (a scrape takes milliseconds). */
    static final long IDLE_SECONDS = 10;

    private final TcpListener listener;

    private AdminServer(TcpListener listener) {
        this.listener = listener;
    }

    /**
     * Binds {@code host:port} (0 = any free port); blocks until bound.
     *
     * @param metrics the Prometheus text of every meter, produced on demand
     */
    public static AdminServer start(String host, int port, Supplier<String> metrics, HealthCheck health)
            throws InterruptedException {
        TcpListener tcp = TcpListener.bind(host, port, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(
                        new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                        new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_REQUEST_BYTES),
                        new HttpObjectAggregator(MAX_REQUEST_BYTES),
                        new AdminHandler(metrics, health));
            }
        });
        log.info("admin (metrics, health) listening on {}", tcp.localAddress());
        return new AdminServer(tcp);
    }

    /** The port actually bound. */
    public int port() {
        return listener.port();
    }

    /** Stops accepting, closes open connections, frees the threads. Idempotent. */
    @Override
    public void close() {
        listener.close(AdminHandler.ServerEvent.SHUTDOWN);
    }
}
