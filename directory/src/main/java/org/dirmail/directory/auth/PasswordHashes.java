package org.dirmail.directory.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Checks a password against a stored {@code userPassword} value ({@code {SCHEME}value}, RFC 2307
 * style, scheme case-insensitive). Security-sensitive: the stored value comes from the directory
 * and is not trusted to be well-formed, so anything malformed or unknown is simply "no match";
 * comparisons are constant-time, and crypt formats are left to commons-codec and BouncyCastle.
 *
 * <p>Cleartext is never matched, with or without {@code {CLEARTEXT}}: qmail-ldap reads an
 * unprefixed value as crypt(3) while LDAP servers read it as cleartext, and comparing it as
 * cleartext would let anyone who has seen an unprefixed hash log in with the hash itself.
 */
public final class PasswordHashes {

    private PasswordHashes() {
    }

    /** {@link #matches(String, String)} for the raw octets of a {@code userPassword} value. */
    public static boolean matches(byte[] storedValue, String password) {
        if (storedValue == null) {
            return false;
        }
        // Every supported form is ASCII; anything else fails to parse below.
        return matches(new String(storedValue, StandardCharsets.UTF_8), password);
    }

    /** True when {@code password} hashes to {@code storedValue}; false for anything else, never throws. */
    public static boolean matches(String storedValue, String password) {
        if (storedValue == null || password == null || password.isEmpty()) {
            return false;
        }
        int close = storedValue.indexOf('}');
        if (!storedValue.startsWith("{") || close < 0) {
            return false;
        }
        // ApacheDS writes {ssha-256}-style names as {ssha256}; OpenLDAP contrib too. Accept both.
        String scheme = storedValue.substring(1, close).replace("-", "").toUpperCase(Locale.ROOT);
        String value = storedValue.substring(close + 1).trim();
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        try {
            switch (scheme) {
                case "SHA":
                case "SHA1":
                    return digestMatches("SHA-1", value, secret, false);
                case "SSHA":
                case "SSHA1":
                    return digestMatches("SHA-1", value, secret, true);
                case "SHA256":
                    return digestMatches("SHA-256", value, secret, false);
                case "SSHA256":
                    return digestMatches("SHA-256", value, secret, true);
                case "SHA384":
                    return digestMatches("SHA-384", value, secret, false);
                case "SSHA384":
                    return digestMatches("SHA-384", value, secret, true);
                case "SHA512":
                    return digestMatches("SHA-512", value, secret, false);
                case "SSHA512":
                    return digestMatches("SHA-512", value, secret, true);
                case "MD5":
                    return digestMatches("MD5", value, secret, false);
                case "SMD5":
                    return digestMatches("MD5", value, secret, true);
                case "CRYPT":
                    return cryptMatches(value, password, secret);
                default:
                    return false;
            }
        } catch (RuntimeException e) {
            // Malformed base64, a salt the crypt code refuses, a bcrypt string of the wrong length.
            return false;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    // base64(digest(password || salt) || salt); unsalted forms have no salt at all.
    private static boolean digestMatches(String algorithm, String value, byte[] secret, boolean salted) {
        byte[] decoded = Base64.getDecoder().decode(value);
        MessageDigest digest = newDigest(algorithm);
        int length = digest.getDigestLength();
        if (salted ? decoded.length <= length : decoded.length != length) {
            return false;
        }
        digest.update(secret);
        digest.update(decoded, length, decoded.length - length);
        return MessageDigest.isEqual(digest.digest(), Arrays.copyOf(decoded, length));
    }

    // crypt(3) formats by their prefix; traditional DES crypt (first 8 characters only) is refused.
    private static boolean cryptMatches(String value, String password, byte[] secret) {
        String computed;
        if (value.startsWith("$1$")) {
            computed = Md5Crypt.md5Crypt(secret, value);
        } else if (value.startsWith("$5$")) {
            computed = Sha2Crypt.sha256Crypt(secret, value);
        } else if (value.startsWith("$6$")) {
            computed = Sha2Crypt.sha512Crypt(secret, value);
        } else if (value.startsWith("$2a$") || value.startsWith("$2b$") || value.startsWith("$2y$")) {
            // BouncyCastle also takes $2x$ (the old crypt_blowfish sign bug), which we do not.
            return OpenBSDBCrypt.checkPassword(value, password.toCharArray());
        } else {
            return false;
        }
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                value.getBytes(StandardCharsets.US_ASCII));
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5, SHA-1 and SHA-256; SHA-384/512 ship with the JDK.
            throw new IllegalStateException(algorithm + " not available", e);
        }
    }
}
