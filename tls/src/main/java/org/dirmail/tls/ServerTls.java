package org.dirmail.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for SMTP (STARTTLS, SMTPS, submission) and POP3 (STLS, POP3S): engines whose certificates
 * are chosen by SNI and reloaded from disk without a restart. Holds private keys; callers only ever see JDK types.
 * Thread-safe.
 */
public final class ServerTls implements AutoCloseable {

    private static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final TlsMaterialLoader loader;
    private final SniKeyManager keyManager;
    private final SSLParameters parameters;
    // Replaced on reload so session tickets issued for the old certificate are not accepted any more.
    private volatile SSLContext context;
    private final ScheduledExecutorService reloadCheck; // null when the check is off
    private List<FileStamp> stamps; // guarded by this: the files as they were at the last load attempt

    private ServerTls(TlsMaterialLoader loader, List<FileStamp> stamps, TlsMaterial material, Duration interval)
            throws GeneralSecurityException {
        this.loader = loader;
        this.stamps = stamps;
        this.keyManager = new SniKeyManager(material);
        this.context = newContext(keyManager);
        this.parameters = TlsPolicy.serverParameters(context);
        this.reloadCheck = interval.isZero() ? null : startReloadCheck(interval);
    }

    /**
     * A client may not renegotiate a TLS 1.2 session (each renegotiation costs the server a full
     * handshake: a cheap DoS, flagged by testssl.sh). The JDK reads this switch once, when its
     * server handshake code first loads, so it is set before any server engine exists; an
     * operator's explicit -D setting wins.
     */
    private static void refuseClientInitiatedRenegotiation() {
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    /**
     * Loads the configured chain and key (or, with no certificate file, loads or generates a self-signed one under
     * {@code selfSignedDir} and logs its SHA-256 fingerprint), loads the SNI entries, and starts the reload check.
     */
    public static ServerTls start(TlsSettings settings) throws IOException, GeneralSecurityException {
        refuseClientInitiatedRenegotiation();
        Path certFile;
        Path keyFile;
        if (settings.certFile().isPresent()) {
            certFile = settings.certFile().get();
            keyFile = settings.keyFile().orElseThrow();
        } else {
            SelfSignedCertificateGenerator.loadOrCreate(settings.selfSignedDir(), settings.hostname());
            certFile = settings.selfSignedDir().resolve(SelfSignedCertificateGenerator.CERT_FILE);
            keyFile = settings.selfSignedDir().resolve(SelfSignedCertificateGenerator.KEY_FILE);
        }
        // The passphrase also serves SNI keys; an unencrypted key (the self-signed one) never reads it.
        TlsMaterialLoader loader = new TlsMaterialLoader(certFile, keyFile, settings.keyPassphraseFile(),
                settings.sni());
        List<FileStamp> stamps = loader.stamps(); // before loading: a change during the load is seen next time
        TlsMaterial material = loader.load(1);
        ServerTls tls = new ServerTls(loader, stamps, material, settings.reloadCheckInterval());
        log.info("TLS certificate {} ({}), SHA-256 fingerprint {}, {} SNI name(s), protocols {}, reload check {}",
                certFile, material.defaultKey().leaf().getSubjectX500Principal().getName(), tls.fingerprintSha256(),
                material.byName().size(), List.of(tls.parameters.getProtocols()),
                settings.reloadCheckInterval().isZero() ? "off" : "every " + settings.reloadCheckInterval());
        return tls;
    }

    /** A server-mode engine for one connection: TLS 1.3/1.2, intermediate cipher suites in server order, no client auth. */
    public SSLEngine newServerEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * The parameters {@link #newServerEngine()} applies, as a fresh copy: for an {@code SSLServerSocket} or
     * {@code SSLSocket} made from {@link #sslContext()}, which would otherwise use the JDK defaults.
     */
    public SSLParameters serverParameters() {
        SSLParameters copy = new SSLParameters(parameters.getCipherSuites(), parameters.getProtocols());
        copy.setUseCipherSuitesOrder(parameters.getUseCipherSuitesOrder());
        copy.setNeedClientAuth(false);
        return copy;
    }

    /**
     * The context behind new engines; its own engines and sockets carry JDK defaults until given
     * {@link #serverParameters()}. A context taken before a reload still serves the new certificates on full
     * handshakes (all share one key manager), but keeps resuming sessions it issued; ask again after a reload.
     */
    public SSLContext sslContext() {
        return context;
    }

    /** SHA-256 fingerprint of the current default certificate, "AB:CD:...". */
    public String fingerprintSha256() {
        return keyManager.current().defaultKey().fingerprintSha256();
    }

    /** The current default certificate chain, leaf first: what a test client or a cluster peer can trust. */
    public List<X509Certificate> certificateChain() {
        return keyManager.current().defaultKey().chain();
    }

    /**
     * Re-reads the files if any changed (modification time, size or inode) since the last attempt and installs
     * them for later handshakes; established connections keep their session. A file that cannot be used is
     * logged at ERROR and thrown, and the certificates in use stay.
     *
     * @return true when new certificates were installed
     */
    public synchronized boolean reloadIfChanged() throws IOException, GeneralSecurityException {
        List<FileStamp> now = loader.stamps();
        if (now.equals(stamps)) {
            return false;
        }
        // Remembered even if the load fails: a broken file is reported once, not at every check.
        stamps = now;
        TlsMaterial material;
        try {
            material = loader.load(keyManager.current().generation() + 1);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.error("TLS reload failed, keeping the certificates in use: {}", describe(e));
            throw e;
        }
        SSLContext fresh = newContext(keyManager);
        keyManager.install(material);
        context = fresh;
        log.info("TLS certificates reloaded: {} ({}), SHA-256 fingerprint {}, {} SNI name(s)",
                loader.watchedFiles().get(0), material.defaultKey().leaf().getSubjectX500Principal().getName(),
                material.defaultKey().fingerprintSha256(), material.byName().size());
        return true;
    }

    /** Stops the reload check; connections and engines already handed out are unaffected. */
    @Override
    public void close() {
        if (reloadCheck != null) {
            reloadCheck.shutdownNow();
        }
    }

    /**
     * A context over the shared key manager. TLS 1.3 resumption does not consult the key manager, so only a new
     * context (with new ticket keys and an empty session cache) makes every client see reloaded certificates.
     */
    private static SSLContext newContext(SniKeyManager keyManager) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        // No trust managers: the server never asks for client certificates.
        context.init(new KeyManager[] {keyManager}, null, null);
        return context;
    }

    private ScheduledExecutorService startReloadCheck(Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dirmail-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return executor;
    }

    private void checkQuietly() {
        try {
            reloadIfChanged();
        } catch (Exception e) {
            // Already logged at ERROR; swallowing keeps the schedule alive for the fixed file.
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }
}
