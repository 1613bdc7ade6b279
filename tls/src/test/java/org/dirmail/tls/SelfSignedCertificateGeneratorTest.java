package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate a server without a configured one makes on first start, and keeps on later starts. */
class SelfSignedCertificateGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void generatesOnceAndReusesOnTheNextStart() throws Exception {
        Path tlsDir = dir.resolve("var/tls");
        String first;
        try (ServerTls tls = ServerTls.start(TlsSettings.selfSigned(tlsDir, "mx.example.org"))) {
            first = tls.fingerprintSha256();
        }
        try (ServerTls tls = ServerTls.start(TlsSettings.selfSigned(tlsDir, "mx.example.org"))) {
            assertThat(tls.fingerprintSha256()).isEqualTo(first);
        }
        assertThat(first).isEqualTo(CertifiedKey.fingerprintSha256(PemCertificates.readChain(
                tlsDir.resolve("cert.pem")).get(0)));
    }

    @Test
    void namesTheHostLocalhostAndLoopbackAddresses() throws Exception {
        try (ServerTls tls = ServerTls.start(TlsSettings.selfSigned(dir, "mx.example.org"))) {
            X509Certificate certificate = tls.certificateChain().get(0);

            assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=mx.example.org");
            assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
            assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
            assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
            List<String> sans = certificate.getSubjectAlternativeNames().stream()
                    .map(san -> san.get(0) + "=" + san.get(1)).collect(Collectors.toList());
            assertThat(sans).containsExactly("2=mx.example.org", "2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
            Duration validity = Duration.between(certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
            assertThat(validity).isBetween(Duration.ofDays(729), Duration.ofDays(731));
        }
    }

    @Test
    void anIpLiteralHostnameBecomesAnAddressSan() throws Exception {
        CertifiedKey key = SelfSignedCertificateGenerator.generate("192.0.2.25", Instant.now());

        assertThat(key.leaf().getSubjectAlternativeNames().stream().map(san -> san.get(0) + "=" + san.get(1)))
                .containsExactly("7=192.0.2.25", "2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
        assertThat(InetAddress.getByName("192.0.2.25").isLoopbackAddress()).isFalse();
    }

    @Test
    void keyIsOwnerOnlyAndDirectoryPrivate() throws Exception {
        Path tlsDir = dir.resolve("tls");
        ServerTls.start(TlsSettings.selfSigned(tlsDir, "mx.example.org")).close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir.resolve("key.pem"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir))).isEqualTo("rwx------");
        assertThat(tlsDir.resolve("key.pem")).content().startsWith("-----BEGIN PRIVATE KEY-----");
        try (var leftovers = Files.list(tlsDir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cert.pem", "key.pem");
        }
    }

    @Test
    void replacesAnExpiredCertificate() throws Exception {
        CertifiedKey old = SelfSignedCertificateGenerator.generate("mx.example.org",
                Instant.now().minus(Duration.ofDays(800)));
        TestPki.writeCertificates(dir.resolve("cert.pem"), old.chain());
        TestPki.writePkcs8(dir.resolve("key.pem"), old.key());

        CertifiedKey current = SelfSignedCertificateGenerator.loadOrCreate(dir, "mx.example.org");

        assertThat(current.fingerprintSha256()).isNotEqualTo(old.fingerprintSha256());
        assertThat(current.isCurrentlyValid()).isTrue();
    }

    @Test
    void replacesACertificateForAnotherHostname() throws Exception {
        String before = SelfSignedCertificateGenerator.loadOrCreate(dir, "old.example.org").fingerprintSha256();

        CertifiedKey current = SelfSignedCertificateGenerator.loadOrCreate(dir, "new.example.org");

        assertThat(current.fingerprintSha256()).isNotEqualTo(before);
        assertThat(current.leaf().getSubjectAlternativeNames()).anyMatch(san -> san.get(1).equals("new.example.org"));
    }

    @Test
    void replacesAKeyLeftWithoutItsCertificate() throws Exception {
        TestPki.writePkcs8(dir.resolve("key.pem"), TestPki.ec().getPrivate());

        CertifiedKey current = SelfSignedCertificateGenerator.loadOrCreate(dir, "mx.example.org");

        assertThat(CertifiedKey.load(dir.resolve("cert.pem"), dir.resolve("key.pem"), java.util.Optional.empty())
                .fingerprintSha256()).isEqualTo(current.fingerprintSha256());
    }
}
