package org.dirmail.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client contexts that trust exactly the certificates given (a self-signed server, a cluster peer), or the JDK's
 * trust store, for tests and node-to-node connections, and client engines that check the peer's name. Holds no
 * private keys.
 */
public final class ClientTls {
    private ClientTls() {
    }

    /** A TLS client context whose only trust anchors are {@code anchors}; it presents no client certificate. */
    public static SSLContext trusting(Collection<X509Certificate> anchors) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager(anchors)}, null);
        return context;
    }

    /**
     * The JDK's PKIX trust manager over the certificates in the PEM file {@code caFile}, or over the JDK's trust
     * store when it is empty; for clients that wrap it (to log why a server was not trusted).
     */
    public static X509ExtendedTrustManager pemTrustManager(Optional<Path> caFile)
            throws IOException, GeneralSecurityException {
        if (caFile.isPresent()) {
            return trustManager(PemCertificates.readChain(caFile.get()));
        }
        return x509(trustManagerFactory((KeyStore) null));
    }

    /** A client context trusting every certificate in the PEM file {@code caFile} (a private CA, a peer's cert). */
    public static SSLContext trustingPem(Path caFile) throws IOException, GeneralSecurityException {
        return trusting(PemCertificates.readChain(caFile));
    }

    private static X509ExtendedTrustManager trustManager(Collection<X509Certificate> anchors)
            throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors given");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        int i = 0;
        for (X509Certificate anchor : anchors) {
            store.setCertificateEntry("anchor-" + i++, anchor);
        }
        return x509(trustManagerFactory(store));
    }

    private static TrustManagerFactory trustManagerFactory(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static X509ExtendedTrustManager x509(TrustManagerFactory factory) throws GeneralSecurityException {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager) {
                return (X509ExtendedTrustManager) manager;
            }
        }
        throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
    }

    /** A client context trusting the JDK's default trust store (cacerts, or {@code javax.net.ssl.trustStore}). */
    public static SSLContext systemTrust() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        return context;
    }

    /**
     * A client engine for {@code host}: sends it as SNI, accepts only a certificate valid for that name (RFC 6125,
     * the HTTPS rules), and offers only the protocol versions dirmail's listeners offer.
     */
    public static SSLEngine clientEngine(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(TlsPolicy.PROTOCOLS.stream()
                .filter(p -> List.of(context.getSupportedSSLParameters().getProtocols()).contains(p))
                .toArray(String[]::new));
        engine.setSSLParameters(parameters);
        return engine;
    }
}
