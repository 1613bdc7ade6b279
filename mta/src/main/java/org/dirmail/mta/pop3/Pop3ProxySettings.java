package org.dirmail.mta.pop3;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a login for a user whose {@code mailHost} is another node is carried there (qmail-ldap.md
 * §6): where the node is, whether to use STLS (RFC 2595) and which certificates to trust. Holds no
 * credentials; the client context holds trust anchors only.
 *
 * @param tls       when to use STLS towards the node
 * @param clientTls checks the node's certificate; may be null only with {@link Tls#NONE}
 * @param targets   turns a {@code mailHost} into an address (blocking; never run on an event loop)
 * @param timeout   for the connection and the whole login dialog with the node
 */
public record Pop3ProxySettings(Tls tls, SSLContext clientTls, Pop3ProxyTargets targets, Duration timeout) {

    /** qmail-ldap's auth_pop waits 30 s for the mail host. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** When the proxy speaks TLS to the node. */
    public enum Tls {
        /** STLS when the node offers it; plaintext otherwise (as qmail-ldap always does). */
        MAY,
        /** STLS or no login: the password never crosses the network in clear. */
        ENCRYPT,
        /** Never STLS (a trusted, private cluster network). */
        NONE
    }

    public Pop3ProxySettings {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(targets, "targets");
        if (clientTls == null && tls != Tls.NONE) {
            throw new IllegalArgumentException("a client TLS context is needed with " + tls);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }
}
