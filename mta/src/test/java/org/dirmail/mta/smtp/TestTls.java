package org.dirmail.mta.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;

/**
 * The server's TLS from the real {@link ServerTls} with a self-signed certificate for
 * {@code mx.example.org} in a temporary directory, and a client context that trusts exactly that
 * certificate (read from its {@code cert.pem}), so nothing disables verification.
 */
final class TestTls implements AutoCloseable {

    static final String HOSTNAME = "mx.example.org";

    private final ServerTls server;
    private final SSLContext client;

    private TestTls(ServerTls server, SSLContext client) {
        this.server = server;
        this.client = client;
    }

    static TestTls start(Path dir) throws IOException, GeneralSecurityException {
        ServerTls server = ServerTls.start(TlsSettings.selfSigned(dir, HOSTNAME));
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(dir.resolve("cert.pem"))) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                trusted.setCertificateEntry("dirmail-" + i++, cert);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        return new TestTls(server, client);
    }

    /** What {@link SmtpServices#tls()} gets: a fresh server engine per connection. */
    Optional<Supplier<SSLEngine>> engines() {
        return Optional.of(server::newServerEngine);
    }

    /** A client context trusting only our certificate. */
    SSLContext clientContext() {
        return client;
    }

    @Override
    public void close() {
        server.close();
    }
}
