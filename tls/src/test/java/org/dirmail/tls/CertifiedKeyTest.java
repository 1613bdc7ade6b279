package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chains and keys loaded together: order kept, key checked against the leaf, expiry tolerated. */
class CertifiedKeyTest {
    @TempDir
    Path dir;

    @Test
    void keepsAChainWithAnIntermediateInFileOrder() throws Exception {
        Instant now = Instant.now();
        Instant later = now.plus(Duration.ofDays(30));
        KeyPair rootKey = TestPki.ec();
        KeyPair intermediateKey = TestPki.ec();
        KeyPair leafKey = TestPki.rsa();
        X509Certificate intermediate = TestPki.certificate("Intermediate CA", intermediateKey, "Root CA", rootKey,
                true, now, later);
        X509Certificate leaf = TestPki.certificate("mail.example.org", leafKey, "Intermediate CA", intermediateKey,
                false, now, later, "mail.example.org");
        Path certFile = TestPki.writeCertificates(dir.resolve("chain.pem"), List.of(leaf, intermediate));
        Path keyFile = TestPki.writeTraditional(dir.resolve("leaf.key"), leafKey);

        CertifiedKey certified = CertifiedKey.load(certFile, keyFile, Optional.empty());

        assertThat(certified.chain()).containsExactly(leaf, intermediate);
        assertThat(certified.keyType()).isEqualTo("RSA");
        assertThat(certified.toString()).contains("mail.example.org").doesNotContain("PRIVATE");
    }

    @Test
    void acceptsACombinedFileHoldingCertificateAndKey() throws Exception {
        KeyPair key = TestPki.ec();
        X509Certificate certificate = TestPki.selfSigned("mail.example.org", key);
        Path combined = dir.resolve("combined.pem");
        String pem = java.nio.file.Files.readString(TestPki.writePkcs8(dir.resolve("k"), key.getPrivate()))
                + java.nio.file.Files.readString(TestPki.writeCertificates(dir.resolve("c"), List.of(certificate)));
        TestPki.write(combined, pem);

        CertifiedKey certified = CertifiedKey.load(combined, combined, Optional.empty());

        assertThat(certified.chain()).containsExactly(certificate);
        assertThat(certified.keyType()).isEqualTo("EC");
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
        for (KeyPair other : List.of(TestPki.rsa(), TestPki.ec())) {
            KeyPair certKey = other.getPrivate().getAlgorithm().equals("RSA") ? TestPki.rsa() : TestPki.ec();
            Path certFile = TestPki.writeCertificates(dir.resolve("cert.pem"),
                    List.of(TestPki.selfSigned("mail.example.org", certKey)));
            Path keyFile = TestPki.writePkcs8(dir.resolve("other.key"), other.getPrivate());

            assertThatThrownBy(() -> CertifiedKey.load(certFile, keyFile, Optional.empty()))
                    .isInstanceOf(TlsMaterialException.class)
                    .hasMessage(keyFile + ": private key does not match the first certificate in " + certFile
                            + " (CN=mail.example.org)");
        }
    }

    @Test
    void refusesAnEcKeyForAnRsaCertificate() throws Exception {
        Path certFile = TestPki.writeCertificates(dir.resolve("cert.pem"),
                List.of(TestPki.selfSigned("mail.example.org", TestPki.rsa())));
        Path keyFile = TestPki.writePkcs8(dir.resolve("ec.key"), TestPki.ec().getPrivate());

        assertThatThrownBy(() -> CertifiedKey.load(certFile, keyFile, Optional.empty()))
                .hasMessageContaining("does not match");
    }

    @Test
    void loadsAnExpiredCertificateButKnowsItIsNotValid() throws Exception {
        KeyPair key = TestPki.ec();
        Instant past = Instant.now().minus(Duration.ofDays(400));
        X509Certificate expired = TestPki.certificate("old.example.org", key, "old.example.org", key, false,
                past, past.plus(Duration.ofDays(90)));
        Path certFile = TestPki.writeCertificates(dir.resolve("cert.pem"), List.of(expired));
        Path keyFile = TestPki.writePkcs8(dir.resolve("key.pem"), key.getPrivate());

        CertifiedKey certified = CertifiedKey.load(certFile, keyFile, Optional.empty());
        certified.warnIfUnfit(certFile);

        assertThat(certified.isCurrentlyValid()).isFalse();
    }

    @Test
    void aFileWithoutCertificatesIsNamed() throws Exception {
        KeyPair key = TestPki.ec();
        Path keyOnly = TestPki.writePkcs8(dir.resolve("key.pem"), key.getPrivate());

        assertThatThrownBy(() -> CertifiedKey.load(keyOnly, keyOnly, Optional.empty()))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageStartingWith(keyOnly + ": no certificate found");
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        Path absent = dir.resolve("absent.pem");

        assertThatThrownBy(() -> CertifiedKey.load(absent, absent, Optional.empty()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessage(absent + ": TLS certificate file not found");
    }

    @Test
    void fingerprintIsColonSeparatedUpperCaseSha256() throws Exception {
        X509Certificate certificate = TestPki.selfSigned("mail.example.org", TestPki.ec());

        assertThat(CertifiedKey.fingerprintSha256(certificate)).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }
}
