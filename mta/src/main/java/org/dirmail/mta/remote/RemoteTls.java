package org.dirmail.mta.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dirmail.tls.ClientTls;

/**
 * Client TLS for STARTTLS to other mail servers. {@code may} and {@code encrypt} accept any
 * certificate on purpose (RFC 7435 opportunistic security: encryption without authentication beats
 * plaintext, and most MX certificates would fail a check); {@code verify} trusts the JDK's store or
 * the configured CA file and checks the certificate's name against the MX host name. Holds no keys.
 */
final class RemoteTls {

    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext opportunistic;
    private final SSLContext verifying;

    private RemoteTls(SSLContext opportunistic, SSLContext verifying) {
        this.opportunistic = opportunistic;
        this.verifying = verifying;
    }

    /** Contexts for both kinds; {@code caFile} replaces the JDK's trust anchors for {@code verify}. */
    static RemoteTls create(Optional<Path> caFile) throws IOException, GeneralSecurityException {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
        SSLContext verifying;
        if (caFile.isPresent()) {
            verifying = ClientTls.trusting(readCertificates(caFile.get()));
        } else {
            verifying = SSLContext.getInstance("TLS");
            verifying.init(null, null, null);
        }
        return new RemoteTls(any, verifying);
    }

    /** A client engine for {@code hostname}: SNI when it is a name, and the name check for {@code verify}. */
    SSLEngine newEngine(RemoteTlsPolicy policy, String hostname, int port) {
        boolean verify = policy == RemoteTlsPolicy.VERIFY;
        SSLEngine engine = (verify ? verifying : opportunistic).createSSLEngine(hostname, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        List<String> supported = List.of(engine.getSupportedProtocols());
        params.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        try {
            params.setServerNames(List.of(new SNIHostName(hostname)));
        } catch (IllegalArgumentException notAName) {
            params.setServerNames(List.of()); // an address literal: no SNI (RFC 6066 3)
        }
        if (verify) {
            // RFC 6125 name matching, as HTTPS does it (RFC 2818), against the MX host name.
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(params);
        return engine;
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(file + " holds no certificate");
        }
        return certs;
    }

    /** Opportunistic TLS: the channel is encrypted, the peer is not authenticated (RFC 7435 1.2). */
    private static final class AcceptAnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // any certificate: see the class comment
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // any certificate: see the class comment
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // any certificate: see the class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
