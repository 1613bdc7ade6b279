package org.dirmail.mta.remote;

import java.util.Locale;

/**
 * How much TLS a destination gets, as Postfix's {@code smtp_tls_security_level}: opportunistic
 * (RFC 7435) by default, mandatory on request.
 */
public enum RemoteTlsPolicy {
    /** Never STARTTLS. */
    NONE,
    /** STARTTLS when offered, any certificate; plaintext when not offered or when the handshake fails. */
    MAY,
    /** STARTTLS required, any certificate: protects against passive eavesdropping only. */
    ENCRYPT,
    /** STARTTLS required, the certificate chain trusted and its name equal to the MX host name. */
    VERIFY;

    /** True when a session without TLS must not carry the message. */
    public boolean requiresTls() {
        return this == ENCRYPT || this == VERIFY;
    }

    /** {@code none}, {@code may}, {@code encrypt} or {@code verify}. */
    public static RemoteTlsPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected none, may, encrypt or verify, got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
