package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ssl.SSLSocketVerifier;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.dirmail.tls.ClientTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS trust for one directory URL: a PKIX check against the CA file (or the JVM trust store)
 * and a host name check ({@link CertificateNames}), both always on, and one log line per burst of
 * failures naming the URL and why. Trusts nothing the server presents until both checks pass. Thread-safe.
 */
final class ServerTrust {

    private static final Logger log = LoggerFactory.getLogger(ServerTrust.class);

    // What JSSE reports for a session whose handshake failed (getSession() swallows the cause).
    private static final String NO_SESSION = "SSL_NULL_WITH_NULL_NULL";

    private final String url;
    private final String host;
    private final String trustSource;
    private final SSLContext context;
    private final AtomicBoolean failing = new AtomicBoolean();

    private ServerTrust(String url, String host, String trustSource, SSLContext context) {
        this.url = url;
        this.host = host;
        this.trustSource = trustSource;
        this.context = context;
    }

    /**
     * Reads the CA file (when set) and builds the context for {@code url}, whose certificate must
     * name {@code host}.
     *
     * @throws IOException when the CA file cannot be read or holds no certificate
     */
    static ServerTrust create(String url, String host, LdapTls tls) throws IOException, GeneralSecurityException {
        ServerTrust trust = new ServerTrust(url, host, tls.trustSource(), SSLContext.getInstance("TLS"));
        X509ExtendedTrustManager checked = ClientTls.pemTrustManager(tls.caFile());
        trust.context.init(null, new TrustManager[] {trust.new Reporting(checked)}, null);
        return trust;
    }

    /** The context for ldaps:// sockets and StartTLS; its trust manager reports failures. */
    SSLContext context() {
        return context;
    }

    /**
     * Runs after every handshake (the certificate and its name were checked during it): tells a
     * failed ldaps:// handshake from a good one; a good one ends a failure burst.
     */
    SSLSocketVerifier verifier() {
        return new SSLSocketVerifier() {
            @Override
            public void verifySSLSocket(String connectedHost, int port, SSLSocket socket) throws LDAPException {
                if (NO_SESSION.equals(socket.getSession().getCipherSuite())) {
                    failed("TLS handshake failed");
                    throw new LDAPException(ResultCode.CONNECT_ERROR, "TLS handshake with " + url + " failed");
                }
                if (failing.compareAndSet(true, false)) {
                    log.info("ldap: TLS to {} works again", url);
                }
            }
        };
    }

    // The first failure after a success is logged; the rest of the burst only fails lookups (451).
    private void failed(String reason) {
        if (failing.compareAndSet(false, true)) {
            // The reason carries names from the server's certificate: no control characters in the log.
            log.warn("ldap: TLS to {} failed: {}; lookups fail temporarily (451, deferred) until it works",
                    url, reason.replaceAll("\\p{Cntrl}", "?"));
        }
    }

    /**
     * Delegates the PKIX check, then checks the host name (RFC 4513 3.1.3); a server chain that
     * fails either is reported before the handshake aborts, so no bind is ever sent to it.
     */
    private final class Reporting extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager checked;

        Reporting(X509ExtendedTrustManager checked) {
            this.checked = checked;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            try {
                checked.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
            checkName(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                checked.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
            checkName(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                checked.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
            checkName(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checked.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checked.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checked.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return checked.getAcceptedIssuers();
        }

        private void checkName(X509Certificate[] chain) throws CertificateException {
            if (!CertificateNames.matches(chain[0], host)) {
                String reason = "certificate (" + chain[0].getSubjectX500Principal().getName()
                        + ") is not valid for host name " + host;
                failed(reason);
                throw new CertificateException(reason);
            }
        }

        private CertificateException untrusted(X509Certificate[] chain, CertificateException e) {
            // The subject and issuer come from the server: logged as data, never interpreted.
            String subject = chain == null || chain.length == 0 ? "no certificate"
                    : chain[0].getSubjectX500Principal().getName() + ", issued by "
                    + chain[0].getIssuerX500Principal().getName();
            failed("certificate (" + subject + ") not trusted by " + trustSource + ": " + e.getMessage());
            return e;
        }
    }
}
