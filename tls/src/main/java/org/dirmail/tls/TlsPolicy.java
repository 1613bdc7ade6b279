package org.dirmail.tls;

import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The protocol versions and cipher suites every dirmail TLS listener offers: TLS 1.3 and 1.2 with Mozilla's
 * "intermediate" list (Server Side TLS 5.7), server order. Holds no secrets.
 */
final class TlsPolicy {
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** In Mozilla's order; IANA names, as JSSE spells them. */
    static final List<String> INTERMEDIATE_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }

    /** Server parameters for {@code context}: only the listed protocols and suites this JDK supports. */
    static SSLParameters serverParameters(SSLContext context) {
        SSLParameters supported = context.getSupportedSSLParameters();
        String[] protocols = supportedSubset(PROTOCOLS, supported.getProtocols());
        String[] suites = supportedSubset(INTERMEDIATE_CIPHER_SUITES, supported.getCipherSuites());
        if (protocols.length == 0 || suites.length == 0) {
            throw new IllegalStateException("this JDK supports none of " + PROTOCOLS + " or of Mozilla's intermediate "
                    + "cipher suites");
        }
        SSLParameters parameters = new SSLParameters(suites, protocols);
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false); // also clears "want": SMTP and POP3 authenticate with AUTH/USER
        return parameters;
    }

    private static String[] supportedSubset(List<String> wanted, String[] supported) {
        List<String> available = List.of(supported);
        return wanted.stream().filter(available::contains).toArray(String[]::new);
    }
}
