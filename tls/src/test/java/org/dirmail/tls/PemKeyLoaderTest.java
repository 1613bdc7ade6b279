package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every PEM key flavour OpenSSL writes, and the errors an administrator sees for the usual mistakes. */
class PemKeyLoaderTest {
    private static KeyPair rsa;
    private static KeyPair ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() throws Exception {
        rsa = TestPki.rsa();
        ec = TestPki.ec();
    }

    @Test
    void readsRsaPkcs8() throws Exception {
        Path file = TestPki.writePkcs8(dir.resolve("rsa.key"), rsa.getPrivate());
        assertThat(file).content().startsWith("-----BEGIN PRIVATE KEY-----");

        assertSameKey(PemKeyLoader.read(file, Optional.empty()), rsa.getPrivate());
    }

    @Test
    void readsRsaPkcs1() throws Exception {
        Path file = TestPki.writeTraditional(dir.resolve("rsa.key"), rsa);
        assertThat(file).content().startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertSameKey(PemKeyLoader.read(file, Optional.empty()), rsa.getPrivate());
    }

    @Test
    void readsEcSec1AndEcPkcs8() throws Exception {
        Path sec1 = TestPki.writeTraditional(dir.resolve("ec.key"), ec);
        Path pkcs8 = TestPki.writePkcs8(dir.resolve("ec8.key"), ec.getPrivate());
        assertThat(sec1).content().startsWith("-----BEGIN EC PRIVATE KEY-----");

        PrivateKey fromSec1 = PemKeyLoader.read(sec1, Optional.empty());
        assertThat(fromSec1.getAlgorithm()).isEqualTo("EC");
        assertSameKey(fromSec1, ec.getPrivate());
        assertSameKey(PemKeyLoader.read(pkcs8, Optional.empty()), ec.getPrivate());
    }

    @Test
    void readsEncryptedPkcs8WithThePassphraseFromTheFirstLine() throws Exception {
        Path file = TestPki.writeEncryptedPkcs8(dir.resolve("rsa.key"), rsa.getPrivate(), "s3cret pass");
        Path passphrase = TestPki.write(dir.resolve("pass"), "s3cret pass\r\nignored second line\n");
        assertThat(file).content().startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertSameKey(PemKeyLoader.read(file, Optional.of(passphrase)), rsa.getPrivate());
    }

    @Test
    void readsLegacyOpenSslEncryptedPkcs1AndSec1() throws Exception {
        Path rsaFile = TestPki.writeLegacyEncrypted(dir.resolve("rsa.key"), rsa, "legacy");
        Path ecFile = TestPki.writeLegacyEncrypted(dir.resolve("ec.key"), ec, "legacy");
        Path passphrase = TestPki.write(dir.resolve("pass"), "legacy\n");
        assertThat(rsaFile).content().startsWith("-----BEGIN RSA PRIVATE KEY-----").contains("Proc-Type: 4,ENCRYPTED");

        assertSameKey(PemKeyLoader.read(rsaFile, Optional.of(passphrase)), rsa.getPrivate());
        assertSameKey(PemKeyLoader.read(ecFile, Optional.of(passphrase)), ec.getPrivate());
    }

    @Test
    void aWrongPassphraseNamesTheKeyAndThePassphraseFile() throws Exception {
        Path pkcs8 = TestPki.writeEncryptedPkcs8(dir.resolve("p8.key"), rsa.getPrivate(), "right");
        Path legacy = TestPki.writeLegacyEncrypted(dir.resolve("legacy.key"), rsa, "right");
        Path wrong = TestPki.write(dir.resolve("pass"), "wrong\n");

        for (Path file : List.of(pkcs8, legacy)) {
            assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.of(wrong)))
                    .isInstanceOf(TlsMaterialException.class)
                    .hasMessageStartingWith(file + ": cannot decrypt private key: wrong passphrase in " + wrong)
                    .satisfies(e -> assertThat(((TlsMaterialException) e).file()).isEqualTo(file));
        }
    }

    @Test
    void anEncryptedKeyWithoutAPassphraseFileSaysSo() throws Exception {
        Path file = TestPki.writeEncryptedPkcs8(dir.resolve("rsa.key"), rsa.getPrivate(), "x");

        assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.empty()))
                .hasMessage(file + ": private key is encrypted but no passphrase file is configured");
    }

    @Test
    void anEmptyPassphraseFileIsNamed() throws Exception {
        Path file = TestPki.writeEncryptedPkcs8(dir.resolve("rsa.key"), rsa.getPrivate(), "x");
        Path empty = TestPki.write(dir.resolve("pass"), "");

        assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.of(empty)))
                .hasMessage(empty + ": passphrase file is empty");
    }

    @Test
    void aFileWithoutAKeyIsNamed() throws Exception {
        Path file = TestPki.writeCertificates(dir.resolve("cert.pem"),
                List.of(TestPki.selfSigned("mail.example.org", ec)));

        assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.empty()))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageStartingWith(file + ": no private key found");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("absent.key");

        assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.empty()))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(file + ": TLS key file not found");
    }

    @Test
    void aMissingPassphraseFileIsNamed() throws Exception {
        Path file = TestPki.writeEncryptedPkcs8(dir.resolve("rsa.key"), rsa.getPrivate(), "x");
        Path absent = dir.resolve("absent.pass");

        assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.of(absent)))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(absent + ": TLS key passphrase file not found");
    }

    @Test
    void anUnknownPemBlockIsNamed() throws Exception {
        Path file = TestPki.write(dir.resolve("odd.key"), "-----BEGIN STRANGE THING-----\nAAAA\n-----END STRANGE THING-----\n");

        assertThatThrownBy(() -> PemKeyLoader.read(file, Optional.empty()))
                .hasMessageStartingWith("cannot read TLS key file " + file);
    }

    /** Same key material; EC encodings differ in the optional fields SEC1 repeats, so compare the secret. */
    private static void assertSameKey(PrivateKey actual, PrivateKey expected) {
        assertThat(actual.getAlgorithm()).isEqualTo(expected.getAlgorithm());
        if (expected instanceof ECPrivateKey) {
            assertThat(((ECPrivateKey) actual).getS()).isEqualTo(((ECPrivateKey) expected).getS());
            assertThat(((ECPrivateKey) actual).getParams().getOrder())
                    .isEqualTo(((ECPrivateKey) expected).getParams().getOrder());
        } else {
            assertThat(actual.getEncoded()).isEqualTo(expected.getEncoded());
        }
    }
}
