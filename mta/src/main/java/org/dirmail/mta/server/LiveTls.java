package org.dirmail.mta.server;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;

/**
 * The server certificates every listener takes its TLS engines from, replaceable on reload: a new
 * connection gets an engine from the certificates current when it starts TLS; connections already
 * encrypted keep theirs. Holds private keys (through {@link ServerTls}). Thread-safe.
 */
final class LiveTls implements AutoCloseable {

    private final AtomicReference<ServerTls> current;
    private TlsSettings settings; // guarded by this

    private LiveTls(ServerTls tls, TlsSettings settings) {
        this.current = new AtomicReference<>(tls);
        this.settings = settings;
    }

    static LiveTls start(TlsSettings settings) throws IOException, GeneralSecurityException {
        return new LiveTls(ServerTls.start(settings), settings);
    }

    /** A server-mode engine from the current certificates. */
    SSLEngine newServerEngine() {
        return current.get().newServerEngine();
    }

    /**
     * Reads the certificates {@code fresh} names, without using them yet: the same files are
     * re-read if changed on disk, other files loaded anew. Throws, changing nothing, when they
     * cannot be used.
     *
     * @return what {@link #commit} installs, or null when the running certificates stay
     */
    synchronized ServerTls prepare(TlsSettings fresh) throws IOException, GeneralSecurityException {
        if (fresh.equals(settings)) {
            current.get().reloadIfChanged(); // same files: a changed file is reloaded in place, or throws
            return null;
        }
        return ServerTls.start(fresh);
    }

    /** Installs certificates from {@link #prepare}; the old ones stop their file check. */
    synchronized void commit(ServerTls prepared, TlsSettings fresh) {
        if (prepared != null) {
            current.getAndSet(prepared).close();
            settings = fresh;
        }
    }

    @Override
    public void close() {
        current.get().close();
    }
}
