package org.dirmail.tls;

import java.net.IDN;
import java.util.Locale;
import java.util.Map;

/**
 * One immutable generation of certificates: the default and those chosen by the SNI name a client asks for.
 * Holds private keys; replaced as a whole on reload so a handshake never mixes two generations.
 *
 * @param generation increases with every reload; tags key-manager aliases
 * @param defaultKey served when no SNI entry matches
 * @param byName     SNI entries keyed by {@link #normalise normalised} name, possibly {@code *.example.org}
 */
record TlsMaterial(long generation, CertifiedKey defaultKey, Map<String, CertifiedKey> byName) {

    TlsMaterial {
        byName = Map.copyOf(byName);
    }

    /**
     * The name under which {@code serverName} is kept in {@link #byName}: exact match first, then a wildcard
     * covering exactly its first label (RFC 6125 6.4.3); null when none matches.
     */
    String matchingName(String serverName) {
        String name;
        try {
            name = normalise(serverName);
        } catch (IllegalArgumentException e) {
            return null; // the client's name, not ours: an unusable one just gets the default certificate
        }
        if (byName.containsKey(name)) {
            return name;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            String wildcard = "*" + name.substring(dot);
            if (byName.containsKey(wildcard)) {
                return wildcard;
            }
        }
        return null;
    }

    /** Lower-case ASCII (A-label) form without a trailing dot, as SNI carries it (RFC 6066 3). */
    static String normalise(String hostname) {
        String name = hostname.endsWith(".") ? hostname.substring(0, hostname.length() - 1) : hostname;
        return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }
}
