package org.dirmail.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client contexts that trust exactly the certificates given (a self-signed server, a cluster peer), for tests and
 * node-to-node connections. Holds no private keys.
 */
public final class ClientTls {
    private ClientTls() {
    }

    /** A TLS client context whose only trust anchors are {@code anchors}; it presents no client certificate. */
    public static SSLContext trusting(Collection<X509Certificate> anchors) throws GeneralSecurityException {
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
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
