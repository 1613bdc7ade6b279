package org.dirmail.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line-echo server on 127.0.0.1, port 0, with the self-signed certificate, one SNI entry and the server
 * parameters of {@link ServerTls}, talked to by a real JDK client socket.
 */
class ServerTlsIT {
    @TempDir
    Path dir;

    private ServerTls tls;
    private SSLServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private X509Certificate mailCert;

    @BeforeEach
    void startServer() throws Exception {
        KeyPair mailKey = TestPki.rsa();
        mailCert = TestPki.selfSigned("mail.example.org", mailKey);
        TlsSettings.SniEntry sni = new TlsSettings.SniEntry("mail.example.org",
                TestPki.writeCertificates(dir.resolve("mail.crt"), List.of(mailCert)),
                TestPki.writeLegacyEncrypted(dir.resolve("mail.key"), mailKey, "hunter2"));
        tls = ServerTls.start(new TlsSettings(Optional.empty(), Optional.empty(),
                Optional.of(TestPki.write(dir.resolve("pass"), "hunter2\n")), List.of(sni), dir.resolve("tls"),
                "mx.example.org", java.time.Duration.ZERO));
        listener = (SSLServerSocket) tls.sslContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setSSLParameters(tls.serverParameters());
        threads.submit(this::acceptLoop);
    }

    @AfterEach
    void stopServer() throws IOException {
        listener.close();
        threads.shutdownNow();
        tls.close();
    }

    @Test
    void aClientTrustingTheSelfSignedCertificateTalksTls13() throws Exception {
        try (Connection c = connect(ClientTls.trusting(tls.certificateChain()), null)) {
            assertThat(c.socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(c.socket.getSession().getCipherSuite()).isIn(TlsPolicy.INTERMEDIATE_CIPHER_SUITES);
            assertThat(c.peer()).isEqualTo(tls.certificateChain().get(0));
            assertThat(c.exchange("EHLO client.example")).isEqualTo("250 EHLO client.example");
        }
    }

    @Test
    void aTls12OnlyClientIsServed() throws Exception {
        try (Connection c = connect(ClientTls.trusting(tls.certificateChain()), null, "TLSv1.2")) {
            assertThat(c.socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(c.socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_");
        }
    }

    @Test
    void aTls11ClientHelloIsAnsweredWithAProtocolVersionAlert() throws Exception {
        // Written by hand: the JDK client refuses to offer TLS 1.1 at all, so it could not test the server.
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            raw.setSoTimeout(5000);
            OutputStream out = raw.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();

            DataInputStream in = new DataInputStream(raw.getInputStream());
            assertThat(in.readUnsignedByte()).as("TLS record type (21 = alert)").isEqualTo(21);
            in.skipBytes(4); // version, length
            assertThat(in.readUnsignedByte()).as("alert level (2 = fatal)").isEqualTo(2);
            assertThat(in.readUnsignedByte()).as("alert (70 = protocol_version)").isEqualTo(70);
        }
    }

    @Test
    void sniPicksTheNamedCertificateAndOtherNamesGetTheDefault() throws Exception {
        List<X509Certificate> both = List.of(tls.certificateChain().get(0), mailCert);
        // One client context each: the JDK client caches sessions by address, not SNI name, and would resume
        // the first connection's session (and certificate) on the second.
        try (Connection named = connect(ClientTls.trusting(both), "mail.example.org");
             Connection other = connect(ClientTls.trusting(both), "smtp.example.net")) {
            assertThat(named.peer()).isEqualTo(mailCert);
            assertThat(other.peer()).isEqualTo(tls.certificateChain().get(0));
        }
    }

    @Test
    void aReloadServesTheNewCertificateToNewConnectionsWhileOldOnesKeepWorking() throws Exception {
        X509Certificate oldCert = tls.certificateChain().get(0);
        try (Connection established = connect(ClientTls.trusting(List.of(oldCert)), null)) {
            assertThat(established.exchange("MAIL FROM:<a@example.org>")).isEqualTo("250 MAIL FROM:<a@example.org>");

            CertifiedKey next = SelfSignedCertificateGenerator.generate("mx.example.org", java.time.Instant.now());
            ServerTlsTest.replace(dir.resolve("tls/key.pem"), k -> TestPki.writePkcs8(k, next.key()));
            ServerTlsTest.replace(dir.resolve("tls/cert.pem"), c -> TestPki.writeCertificates(c, next.chain()));
            assertThat(tls.reloadIfChanged()).isTrue();

            try (Connection fresh = connect(ClientTls.trusting(next.chain()), null)) {
                assertThat(fresh.peer()).isEqualTo(next.leaf()).isNotEqualTo(oldCert);
                assertThat(fresh.exchange("NOOP")).isEqualTo("250 NOOP");
            }
            assertThat(established.exchange("RCPT TO:<b@example.org>")).isEqualTo("250 RCPT TO:<b@example.org>");
            assertThat(established.peer()).isEqualTo(oldCert);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                threads.submit(() -> echo(socket));
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    /** Answers each line with "250 " and the line: enough of a protocol to show application data flows. */
    private static void echo(Socket socket) {
        try (socket;
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.print("250 " + line + "\r\n");
                out.flush();
            }
        } catch (IOException e) {
            // client went away, or a refused handshake
        }
    }

    private Connection connect(SSLContext context, String sniName, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sniName == null ? List.of() : List.of(new SNIHostName(sniName)));
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return new Connection(socket);
    }

    private static final class Connection implements AutoCloseable {
        final SSLSocket socket;
        final BufferedReader in;
        final PrintWriter out;

        Connection(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = new PrintWriter(socket.getOutputStream(), false, StandardCharsets.US_ASCII);
        }

        String exchange(String line) throws IOException {
            out.print(line + "\r\n");
            out.flush();
            return in.readLine();
        }

        X509Certificate peer() throws IOException {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A minimal TLS 1.1 ClientHello (RFC 4346 7.4.1.2) offering two CBC suites and no extensions. */
    private static byte[] tls11ClientHello() {
        ByteBuffer body = ByteBuffer.allocate(2 + 32 + 1 + 2 + 4 + 2);
        body.put((byte) 3).put((byte) 2);                  // client_version TLS 1.1
        body.put(new byte[32]);                             // random
        body.put((byte) 0);                                 // session_id: empty
        body.putShort((short) 4).putShort((short) 0xC013).putShort((short) 0x002F); // ECDHE_RSA/RSA AES128-SHA
        body.put((byte) 1).put((byte) 0);                   // compression: null
        byte[] hello = body.array();
        ByteBuffer record = ByteBuffer.allocate(5 + 4 + hello.length);
        record.put((byte) 22).put((byte) 3).put((byte) 2).putShort((short) (4 + hello.length)); // handshake record
        record.put((byte) 1).put((byte) 0).putShort((short) hello.length);                       // client_hello
        record.put(hello);
        return record.array();
    }
}
