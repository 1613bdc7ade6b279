package org.dirmail.directory.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.directory.api.ldap.model.constants.LdapSecurityConstants;
import org.apache.directory.api.ldap.model.password.PasswordUtil;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every supported scheme against vectors made three ways: computed here with a fixed salt,
 * produced by another implementation (ApacheDS, commons-codec, BouncyCastle), and fixed strings
 * from {@code openssl passwd} and libxcrypt. Each must match its password and nothing else.
 */
class PasswordHashesTest {

    private static final String PASSWORD = "alice-secret";
    private static final byte[] SALT = "fixed-salt-0123".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALT16 = "sixteen-byte-slt".getBytes(StandardCharsets.US_ASCII);

    static Stream<Arguments> vectors() {
        return Stream.of(
                // Computed here: base64(digest(password || salt) || salt), fixed salt.
                Arguments.of("SHA", "{SHA}" + digest("SHA-1", false)),
                Arguments.of("SSHA", "{SSHA}" + digest("SHA-1", true)),
                Arguments.of("SHA256", "{SHA256}" + digest("SHA-256", false)),
                Arguments.of("SSHA256", "{SSHA256}" + digest("SHA-256", true)),
                Arguments.of("SHA384", "{SHA384}" + digest("SHA-384", false)),
                Arguments.of("SSHA384", "{SSHA384}" + digest("SHA-384", true)),
                Arguments.of("SHA512", "{SHA512}" + digest("SHA-512", false)),
                Arguments.of("SSHA512", "{SSHA512}" + digest("SHA-512", true)),
                Arguments.of("MD5", "{MD5}" + digest("MD5", false)),
                Arguments.of("SMD5", "{SMD5}" + digest("MD5", true)),
                Arguments.of("lower-case scheme", "{ssha}" + digest("SHA-1", true)),
                Arguments.of("mixed-case scheme", "{SsHa512}" + digest("SHA-512", true)),
                Arguments.of("hyphenated scheme", "{SSHA-256}" + digest("SHA-256", true)),
                // ApacheDS's own hashing (random salt; it writes {ssha512}-style prefixes).
                Arguments.of("ApacheDS SSHA", apacheDs(LdapSecurityConstants.HASH_METHOD_SSHA)),
                Arguments.of("ApacheDS SHA-256", apacheDs(LdapSecurityConstants.HASH_METHOD_SHA256)),
                Arguments.of("ApacheDS SSHA-512", apacheDs(LdapSecurityConstants.HASH_METHOD_SSHA512)),
                Arguments.of("ApacheDS SMD5", apacheDs(LdapSecurityConstants.HASH_METHOD_SMD5)),
                // crypt(3) via commons-codec, fixed salt.
                Arguments.of("MD5-crypt", "{CRYPT}" + Md5Crypt.md5Crypt(bytes(PASSWORD), "$1$dirmail1")),
                Arguments.of("SHA256-crypt", "{CRYPT}" + Sha2Crypt.sha256Crypt(bytes(PASSWORD), "$5$dirmailsalt")),
                Arguments.of("SHA512-crypt", "{CRYPT}" + Sha2Crypt.sha512Crypt(bytes(PASSWORD), "$6$dirmailsalt")),
                Arguments.of("SHA512-crypt rounds", "{CRYPT}" + Sha2Crypt.sha512Crypt(bytes(PASSWORD), "$6$rounds=7000$dirmailsalt")),
                Arguments.of("lower-case crypt", "{crypt}" + Sha2Crypt.sha512Crypt(bytes(PASSWORD), "$6$dirmailsalt")),
                // Fixed: openssl passwd -1 / -5 / -6 -salt ... alice-secret
                Arguments.of("openssl -1", "{CRYPT}$1$saltsalt$D5Xv4d9tEOCIm2bz3WsVW/"),
                Arguments.of("openssl -5", "{CRYPT}$5$saltsaltsalt$bBr.uFvSUzH/46u2.WHkj4rullPnyrvOxCHxa9oOWK/"),
                Arguments.of("openssl -6", "{CRYPT}$6$saltsaltsalt$KcXAKLfVRe.7ajZBx/KhznC.zxmAFljzkBtpUHasI1tJul"
                        + "PdrZUmM1tBj/UIAqYVKpGpKcGU7LAMtDuNtZi.C/"),
                // Fixed: libxcrypt crypt(3) with explicit rounds.
                Arguments.of("libxcrypt $6$ rounds=5000", "{CRYPT}$6$rounds=5000$saltsaltsalt$KcXAKLfVRe.7ajZBx/Khzn"
                        + "C.zxmAFljzkBtpUHasI1tJulPdrZUmM1tBj/UIAqYVKpGpKcGU7LAMtDuNtZi.C/"),
                Arguments.of("libxcrypt $5$ rounds=10000",
                        "{CRYPT}$5$rounds=10000$saltsaltsalt$GsLviUpvF4F08qFU./pUpi7twzWp7BTWBAean8hAab4"),
                // bcrypt via BouncyCastle, fixed salt, and fixed libxcrypt vectors for bob-secret below.
                Arguments.of("bcrypt $2y$ generated", "{CRYPT}" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), SALT16, 5)),
                Arguments.of("bcrypt $2b$ generated", "{CRYPT}" + OpenBSDBCrypt.generate("2b", PASSWORD.toCharArray(), SALT16, 4)),
                Arguments.of("bcrypt $2a$ generated", "{CRYPT}" + OpenBSDBCrypt.generate("2a", PASSWORD.toCharArray(), SALT16, 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rightPasswordMatches(String name, String stored) {
        assertThat(PasswordHashes.matches(stored, PASSWORD)).isTrue();
        assertThat(PasswordHashes.matches(stored.getBytes(StandardCharsets.UTF_8), PASSWORD)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wrongPasswordDoesNotMatch(String name, String stored) {
        assertThat(PasswordHashes.matches(stored, "alice-secreT")).isFalse();
        assertThat(PasswordHashes.matches(stored, "alice-secret ")).isFalse();
        assertThat(PasswordHashes.matches(stored, "")).isFalse();
        assertThat(PasswordHashes.matches(stored, null)).isFalse();
    }

    // htpasswd is not installed here; these come from libxcrypt's crypt(3) (Python's crypt module).
    @ParameterizedTest
    @ValueSource(strings = {
        "{CRYPT}$2y$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2",
        "{CRYPT}$2b$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2",
        "{CRYPT}$2a$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2"})
    void fixedBcryptVectors(String stored) {
        assertThat(PasswordHashes.matches(stored, "bob-secret")).isTrue();
        assertThat(PasswordHashes.matches(stored, "bob-secreT")).isFalse();
    }

    @Test
    void wellKnownDigestsOfPassword() {
        assertThat(PasswordHashes.matches("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "password")).isTrue();
        assertThat(PasswordHashes.matches("{MD5}X03MO1qnZdYdgyfeuILPmQ==", "password")).isTrue();
    }

    @Test
    void nonAsciiPasswordsHashAsUtf8() {
        String password = "pässwörd-€";
        String stored = "{CRYPT}" + Sha2Crypt.sha512Crypt(bytes(password), "$6$dirmailsalt");

        assertThat(PasswordHashes.matches(stored, password)).isTrue();
        assertThat(PasswordHashes.matches(stored, "passwort-€")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "{", "}", "{}", "{SSHA", "{SSHA}", "{SHA}", "{CRYPT}", "{SSHA}!!!not base64!!!",
        // A digest with no salt where a salt is required, and truncated digests.
        "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9", "{SHA}AAAA",
        "{CRYPT}$1$", "{CRYPT}$6$", "{CRYPT}$6$rounds=abc$salt$hash", "{CRYPT}$5$!!$x",
        "{CRYPT}$2y$05$short", "{CRYPT}$2y$99$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2",
        // $2x$ marks hashes from the old crypt_blowfish sign bug; BouncyCastle would accept it.
        "{CRYPT}$2x$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2",
        // Traditional DES crypt (only 8 characters count) is not supported.
        "{CRYPT}saQxsTgwZ7QyI", "{CRYPT}$7$whatever", "{UNKNOWN}abc", "{PKCS5S2}abc", "{NS-MTA-MD5}abc",
        // Cleartext is never compared, prefixed or not.
        "bob-secret", "{CLEARTEXT}bob-secret", "{PLAIN}bob-secret",
        // A bare crypt string without {CRYPT}: an LDAP server would read it as cleartext.
        "$2y$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2"})
    void malformedOrUnsupportedValuesNeverMatch(String stored) {
        assertThat(PasswordHashes.matches(stored, "bob-secret")).isFalse();
        assertThat(PasswordHashes.matches(stored, stored)).isFalse();
    }

    @Test
    void nullsNeverMatch() {
        assertThat(PasswordHashes.matches((String) null, "x")).isFalse();
        assertThat(PasswordHashes.matches((byte[]) null, "x")).isFalse();
    }

    private static String digest(String algorithm, boolean salted) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            md.update(bytes(PASSWORD));
            if (!salted) {
                return Base64.getEncoder().encodeToString(md.digest());
            }
            md.update(SALT);
            byte[] hash = md.digest();
            byte[] both = new byte[hash.length + SALT.length];
            System.arraycopy(hash, 0, both, 0, hash.length);
            System.arraycopy(SALT, 0, both, hash.length, SALT.length);
            return Base64.getEncoder().encodeToString(both);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String apacheDs(LdapSecurityConstants scheme) {
        return new String(PasswordUtil.createStoragePassword(PASSWORD, scheme), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
