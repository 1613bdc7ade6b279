package org.dirmail.mta.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * One SASL PLAIN message (RFC 4616 2): {@code [authzid] NUL authcid NUL passwd}, base64-encoded
 * as RFC 5034 4 carries it. Parsed from client bytes; {@link #toString} never shows the password.
 */
record SaslPlain(String authzid, String authcid, String password) {

    /**
     * Decodes a client response.
     *
     * @return empty when the decoded text is not a PLAIN message with a non-empty authcid
     * @throws IllegalArgumentException when the response is not base64 (RFC 5034 4 says: reject)
     */
    static Optional<SaslPlain> decode(String base64) {
        byte[] decoded = Base64.getDecoder().decode(base64);
        String[] parts = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SaslPlain(parts[0], parts[1], parts[2]));
    }

    /** Asks to act as someone else: we have no proxy logins, so such an attempt fails. */
    boolean impersonates() {
        return !authzid.isEmpty() && !authzid.equals(authcid);
    }

    @Override
    public String toString() {
        return "SaslPlain[authzid=" + authzid + ", authcid=" + authcid + "]";
    }
}
