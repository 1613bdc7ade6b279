package org.dirmail.mta.pop3;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.net.TcpListener;
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

    private final ExecutorService disk =
            Executors.newFixedThreadPool(DISK_THREADS, new DefaultThreadFactory("pop3-disk", true));
    private TcpListener listener;

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
        return start(host, port, settings, authenticator, throttle, tls, implicitTls, DirmailMetrics.disabled());
    }

    /** As above, reporting logins and TLS handshakes to {@code metrics}. */
    public static Pop3Server start(String host, int port, Pop3Settings settings, Authenticator authenticator,
            AuthThrottle throttle, Supplier<SSLEngine> tls, boolean implicitTls, DirmailMetrics metrics)
            throws InterruptedException {
        Pop3Server server = new Pop3Server();
        try {
            server.listener = TcpListener.bind(host, port, new Pop3ServerInitializer(settings, authenticator,
                    throttle, tls, implicitTls, server.disk, metrics));
        } catch (RuntimeException | InterruptedException e) {
            server.disk.shutdown();
            throw e;
        }
        log.info("{} listening on {}{}", implicitTls ? "pop3s" : "pop3", server.listener.localAddress(),
                tls != null && !implicitTls ? " (STLS)" : "");
        return server;
    }

    /** The port actually bound. */
    public int port() {
        return listener.port();
    }

    /** Still accepting connections. */
    public boolean isBound() {
        return listener.isBound();
    }

    /**
     * Stops accepting, closes each session after its pending step, waits a bounded time; the disk
     * pool stops last, so queued unlocks and commits still run. Idempotent.
     */
    @Override
    public void close() {
        listener.close(Pop3ServerHandler.ServerEvent.SHUTDOWN);
        disk.shutdown();
        try {
            disk.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
