package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handshakes between {@link ServerTls#newServerEngine()} and a JDK client engine, in memory. */
class ServerTlsTest {
    @TempDir
    Path dir;

    private Path certFile;
    private Path keyFile;
    private X509Certificate defaultCert;

    @BeforeEach
    void writeDefaultCertificate() throws Exception {
        KeyPair key = TestPki.rsa();
        defaultCert = TestPki.selfSigned("default.example.org", key);
        certFile = TestPki.writeCertificates(dir.resolve("default.crt"), List.of(defaultCert));
        keyFile = TestPki.writePkcs8(dir.resolve("default.key"), key.getPrivate());
    }

    @Test
    void negotiatesTls13WithAnIntermediateSuiteAndNoClientAuth() throws Exception {
        try (ServerTls tls = start(List.of())) {
            SSLEngine server = tls.newServerEngine();
            assertThat(server.getUseClientMode()).isFalse();
            assertThat(server.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
            assertThat(server.getEnabledCipherSuites()).isNotEmpty()
                    .allMatch(TlsPolicy.INTERMEDIATE_CIPHER_SUITES::contains);
            assertThat(server.getSSLParameters().getUseCipherSuitesOrder()).isTrue();
            assertThat(server.getNeedClientAuth()).isFalse();
            assertThat(server.getWantClientAuth()).isFalse();

            Handshakes pair = new Handshakes(client(trusting(defaultCert), null), server).handshake();

            assertThat(pair.client().getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(pair.client().getSession().getPeerCertificates()[0]).isEqualTo(defaultCert);
            assertThat(pair.clientSends("EHLO client.example\r\n")).isEqualTo("EHLO client.example\r\n");
        }
    }

    @Test
    void aTls12ClientGetsAnEcdheSuite() throws Exception {
        try (ServerTls tls = start(List.of())) {
            SSLEngine client = client(trusting(defaultCert), null);
            client.setEnabledProtocols(new String[] {"TLSv1.2"});

            Handshakes pair = new Handshakes(client, tls.newServerEngine()).handshake();

            assertThat(pair.client().getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(pair.client().getSession().getCipherSuite()).startsWith("TLS_ECDHE_RSA_WITH_");
        }
    }

    @Test
    void refusesATls11Client() throws Exception {
        try (ServerTls tls = start(List.of())) {
            SSLEngine client = client(trusting(defaultCert), null);
            // The JDK disables TLS 1.1 by default even for clients; re-enabling it would need a global
            // security property, so the server's own protocol list is what this asserts on.
            client.setEnabledProtocols(new String[] {"TLSv1.1"});

            assertThat(tls.newServerEngine().getEnabledProtocols()).doesNotContain("TLSv1.1", "TLSv1", "SSLv3");
            assertThatThrownBy(() -> new Handshakes(client, tls.newServerEngine()).handshake())
                    .isInstanceOf(SSLException.class);
        }
    }

    @Test
    void choosesTheCertificateBySniNameAndFallsBackToTheDefault() throws Exception {
        KeyPair mailKey = TestPki.ec();
        X509Certificate mailCert = TestPki.selfSigned("mail.example.org", mailKey);
        KeyPair wildKey = TestPki.rsa();
        X509Certificate wildCert = TestPki.selfSigned("*.lists.example.org", wildKey);
        List<TlsSettings.SniEntry> sni = List.of(
                new TlsSettings.SniEntry("Mail.Example.ORG",
                        TestPki.writeCertificates(dir.resolve("mail.crt"), List.of(mailCert)),
                        TestPki.writeTraditional(dir.resolve("mail.key"), mailKey)),
                new TlsSettings.SniEntry("*.lists.example.org",
                        TestPki.writeCertificates(dir.resolve("wild.crt"), List.of(wildCert)),
                        TestPki.writePkcs8(dir.resolve("wild.key"), wildKey.getPrivate())));
        try (ServerTls tls = start(sni)) {
            SSLContext trustAll = trusting(defaultCert, mailCert, wildCert);

            assertThat(peerOf(tls, trustAll, "mail.example.org")).isEqualTo(mailCert);
            assertThat(peerOf(tls, trustAll, "MAIL.example.org")).isEqualTo(mailCert);
            assertThat(peerOf(tls, trustAll, "a.lists.example.org")).isEqualTo(wildCert);
            assertThat(peerOf(tls, trustAll, "a.b.lists.example.org")).isEqualTo(defaultCert);
            assertThat(peerOf(tls, trustAll, "other.example.org")).isEqualTo(defaultCert);
            assertThat(peerOf(tls, trustAll, null)).isEqualTo(defaultCert);
        }
    }

    @Test
    void reloadInstallsNewFilesForTheNextHandshakeAndKeepsEstablishedOnes() throws Exception {
        try (ServerTls tls = start(List.of())) {
            String before = tls.fingerprintSha256();
            Handshakes established = new Handshakes(client(trusting(defaultCert), null), tls.newServerEngine())
                    .handshake();
            assertThat(tls.reloadIfChanged()).isFalse();

            KeyPair newKey = TestPki.ec();
            X509Certificate newCert = TestPki.selfSigned("default.example.org", newKey);
            replace(keyFile, k -> TestPki.writeTraditional(k, newKey));
            replace(certFile, c -> TestPki.writeCertificates(c, List.of(newCert)));

            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(tls.fingerprintSha256()).isNotEqualTo(before)
                    .isEqualTo(CertifiedKey.fingerprintSha256(newCert));
            assertThat(tls.certificateChain()).containsExactly(newCert);
            assertThat(peerOf(tls, trusting(newCert), null)).isEqualTo(newCert);
            assertThat(established.clientSends("NOOP\r\n")).isEqualTo("NOOP\r\n");
        }
    }

    @Test
    void aClientWithASessionTicketFromBeforeTheReloadGetsTheNewCertificate() throws Exception {
        try (ServerTls tls = start(List.of())) {
            KeyPair newKey = TestPki.ec();
            X509Certificate newCert = TestPki.selfSigned("default.example.org", newKey);
            SSLContext client = trusting(defaultCert, newCert);
            Handshakes first = new Handshakes(client(client, "default.example.org"), tls.newServerEngine()).handshake();
            first.clientSends("QUIT\r\n"); // lets the client read its TLS 1.3 session ticket

            replace(keyFile, k -> TestPki.writePkcs8(k, newKey.getPrivate()));
            replace(certFile, c -> TestPki.writeCertificates(c, List.of(newCert)));
            assertThat(tls.reloadIfChanged()).isTrue();

            assertThat(peerOf(tls, client, "default.example.org")).isEqualTo(newCert);
        }
    }

    @Test
    void aBrokenNewFileKeepsTheOldCertificateAndIsReportedOnce() throws Exception {
        try (ServerTls tls = start(List.of())) {
            String before = tls.fingerprintSha256();
            X509Certificate unrelated = TestPki.selfSigned("default.example.org", TestPki.rsa());
            replace(certFile, c -> TestPki.writeCertificates(c, List.of(unrelated)));

            assertThatThrownBy(tls::reloadIfChanged).isInstanceOf(TlsMaterialException.class)
                    .hasMessageContaining(keyFile.toString()).hasMessageContaining("does not match");
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(tls.fingerprintSha256()).isEqualTo(before);
            assertThat(peerOf(tls, trusting(defaultCert), null)).isEqualTo(defaultCert);

            replace(certFile, c -> TestPki.writeCertificates(c, List.of(defaultCert)));
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(tls.fingerprintSha256()).isEqualTo(before);
        }
    }

    @Test
    void thePeriodicCheckPicksUpAChangeByItself() throws Exception {
        TlsSettings settings = TlsSettings.of(certFile, keyFile, Optional.empty(), dir.resolve("self"),
                "default.example.org", Duration.ofMillis(50));
        try (ServerTls tls = ServerTls.start(settings)) {
            KeyPair newKey = TestPki.rsa();
            X509Certificate newCert = TestPki.selfSigned("default.example.org", newKey);
            String expected = CertifiedKey.fingerprintSha256(newCert);
            replace(keyFile, k -> TestPki.writePkcs8(k, newKey.getPrivate()));
            replace(certFile, c -> TestPki.writeCertificates(c, List.of(newCert)));

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!tls.fingerprintSha256().equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(tls.fingerprintSha256()).isEqualTo(expected);
        }
    }

    @Test
    void theServerParametersMatchTheEngines() throws Exception {
        try (ServerTls tls = start(List.of())) {
            SSLParameters parameters = tls.serverParameters();
            SSLEngine engine = tls.newServerEngine();
            assertThat(parameters.getProtocols()).containsExactly(engine.getEnabledProtocols());
            assertThat(parameters.getCipherSuites()).containsExactly(engine.getEnabledCipherSuites());
            assertThat(parameters.getUseCipherSuitesOrder()).isTrue();
        }
    }

    private ServerTls start(List<TlsSettings.SniEntry> sni) throws Exception {
        return ServerTls.start(new TlsSettings(Optional.of(certFile), Optional.of(keyFile), Optional.empty(), sni,
                dir.resolve("self"), "default.example.org", Duration.ZERO));
    }

    private static X509Certificate peerOf(ServerTls tls, SSLContext clientContext, String sniName) throws Exception {
        // A fresh client engine; whether it may resume a session depends on the context the caller passes.
        Handshakes pair = new Handshakes(client(clientContext, sniName), tls.newServerEngine()).handshake();
        return (X509Certificate) pair.client().getSession().getPeerCertificates()[0];
    }

    static SSLContext trusting(X509Certificate... anchors) throws Exception {
        return ClientTls.trusting(List.of(anchors));
    }

    static SSLEngine client(SSLContext context, String sniName) {
        SSLEngine engine = context.createSSLEngine(sniName == null ? "client.invalid" : sniName, 25);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(sniName == null ? List.of() : List.of(new SNIHostName(sniName)));
        engine.setSSLParameters(parameters);
        return engine;
    }

    interface FileWriter {
        Path write(Path target) throws Exception;
    }

    /** Replaces {@code target} the way an administrator or certbot should: write aside, then rename over it. */
    static void replace(Path target, FileWriter writer) throws Exception {
        Path temp = target.resolveSibling(target.getFileName() + ".new");
        writer.write(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
