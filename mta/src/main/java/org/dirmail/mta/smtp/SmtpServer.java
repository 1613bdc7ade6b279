package org.dirmail.mta.smtp;

import java.time.Instant;
import java.util.function.Supplier;
import org.dirmail.mta.net.TcpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP listener (MX, submission or SMTPS) with its own event loops. {@link #start} binds it;
 * {@link #stopAccepting} and {@link #finish} stop it gracefully (a transaction in flight may end
 * with its 250 first), {@link #close} at once; {@link #retire} only closes the socket, for a
 * rebind on reload. Thread-safe; holds no credentials.
 */
public final class SmtpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    private final TcpListener listener;

    private SmtpServer(TcpListener listener) {
        this.listener = listener;
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
        return start(listener, () -> settings, services);
    }

    /** As above, each new session taking the settings {@code settings} supplies when it connects. */
    public static SmtpServer start(SmtpListener listener, Supplier<SmtpSettings> settings, SmtpServices services)
            throws InterruptedException {
        var initializer = new SmtpServerInitializer(listener.role(), settings, services);
        TcpListener tcp = TcpListener.bind(listener.host(), listener.port(), initializer);
        log.info("smtp ({}) listening on {} as {}", listener.role(), tcp.localAddress(), settings.get().hostname());
        return new SmtpServer(tcp);
    }

    /** The port actually bound. */
    public int port() {
        return listener.port();
    }

    /** Still accepting connections. */
    public boolean isBound() {
        return listener.isBound();
    }

    /** Closes the listening socket, leaving the sessions in flight to finish (a rebind on reload). */
    public void retire() throws InterruptedException {
        listener.closeSocket();
    }

    /** Sessions still open. */
    public int openSessions() {
        return listener.openSessions();
    }

    /** Stops accepting, says 421 to each session, waits a bounded time, frees the threads. Idempotent. */
    @Override
    public void close() {
        stopAccepting();
        finish(Instant.now());
    }

    /** Stops accepting; idle sessions get 421 now, those inside a transaction once it is over. */
    public void stopAccepting() {
        listener.stopAccepting(SmtpServerHandler.ServerEvent.SHUTDOWN);
    }

    /** Waits for the sessions until {@code deadline}, says 421 to those still open, frees the threads. */
    public void finish(Instant deadline) {
        listener.finish(deadline, SmtpServerHandler.ServerEvent.DEADLINE);
    }
}
