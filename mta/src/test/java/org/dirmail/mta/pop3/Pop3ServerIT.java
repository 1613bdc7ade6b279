package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.mta.pop3.Pop3MailboxTest.TestMaildir;
import org.dirmail.tls.ClientTls;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POP3, STLS and POP3S over loopback sockets on port 0: Angus Mail's POP3 provider and a plain
 * {@link Socket} as clients, a self-signed certificate the client trusts explicitly, a real Maildir.
 */
class Pop3ServerIT {

    @TempDir
    Path mailRoot;
    @TempDir
    Path tlsDir;

    private final TestAuthenticator directory = new TestAuthenticator().user("alice", "secret", "alice/Maildir/");
    private ServerTls tls;
    private SSLContext clientTls;
    private Path maildir;

    @BeforeEach
    void setUp() throws Exception {
        tls = ServerTls.start(TlsSettings.selfSigned(tlsDir, "pop.example.org"));
        clientTls = ClientTls.trusting(tls.certificateChain());
        maildir = TestMaildir.create(mailRoot.resolve("alice/Maildir"));
        TestMaildir.put(maildir, "new", "1700000001.M1P1Q1.mx,S=40", "Subject: one\nFrom: a@example.org\n\n.first\n");
        TestMaildir.put(maildir, "cur", "1700000002.M1P1Q2.mx,S=18:2,S", "Subject: two\n\nsecond\n");
    }

    @AfterEach
    void tearDown() {
        if (tls != null) {
            tls.close();
        }
    }

    private Pop3Server start(boolean allowPlaintext, Supplier<SSLEngine> engines, boolean implicitTls)
            throws InterruptedException {
        Pop3Settings settings = new Pop3Settings(Set.of("pop.example.org"), mailRoot, Duration.ofMinutes(10),
                allowPlaintext, Duration.ofMillis(100), 20);
        return Pop3Server.start("127.0.0.1", 0, settings, directory,
                new AuthThrottle(5, Duration.ofMinutes(10), Clock.systemUTC()), engines, implicitTls);
    }

    @Test
    void angusOverStlsWithAuthPlainRetrievesAndDeletes() throws Exception {
        try (Pop3Server server = start(false, tls::newServerEngine, false)) {
            Properties props = angus("pop3", server.port());
            props.put("mail.pop3.starttls.enable", "true");
            props.put("mail.pop3.starttls.required", "true");
            props.put("mail.pop3.auth.mechanisms", "PLAIN");
            String firstUid;
            String secondUid;
            try (Store store = Session.getInstance(props).getStore("pop3")) {
                store.connect("alice", "secret");
                POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
                inbox.open(Folder.READ_WRITE);
                assertThat(inbox.getMessageCount()).isEqualTo(2);
                Message first = inbox.getMessage(1);
                firstUid = inbox.getUID(first);
                secondUid = inbox.getUID(inbox.getMessage(2));
                assertThat(firstUid).isEqualTo("1700000001.M1P1Q1.mx,S=40");
                assertThat(first.getSubject()).isEqualTo("one"); // TOP
                assertThat(new String(first.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo(".first\r\n"); // RETR, dot-unstuffed by the client
                // Angus: the LIST size (24, CRLF line ends) minus the header TOP returned (16)
                assertThat(inbox.getMessage(2).getSize()).isEqualTo(8);
                inbox.getMessage(2).setFlag(Flags.Flag.DELETED, true);
                inbox.close(true); // QUIT: UPDATE state
            }
            assertThat(maildir.resolve("cur/1700000001.M1P1Q1.mx,S=40:2,S")).exists(); // seen after RETR
            assertThat(maildir.resolve("cur/1700000002.M1P1Q2.mx,S=18:2,S")).doesNotExist();
            try (Store store = Session.getInstance(props).getStore("pop3")) {
                store.connect("alice", "secret");
                POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                assertThat(inbox.getMessageCount()).isEqualTo(1);
                assertThat(inbox.getUID(inbox.getMessage(1))).isEqualTo(firstUid).isNotEqualTo(secondUid);
                inbox.close(false);
            }
        }
    }

    @Test
    void stlsStartsTheSessionOverAndThenAuthPlainWorks() throws Exception {
        try (Pop3Server server = start(false, tls::newServerEngine, false); Client client = new Client(server.port())) {
            client.expect("+OK dirmail POP3 ready").send("CAPA").expect("+OK");
            assertThat(client.body()).contains("STLS").doesNotContain("USER", "SASL PLAIN");
            client.send("AUTH PLAIN").expect("-ERR [AUTH] Plaintext authentication disallowed");
            client.send("STLS").expect("+OK Begin TLS negotiation now");
            client.startTls(clientTls);
            client.send("CAPA").expect("+OK");
            assertThat(client.body()).contains("USER", "SASL PLAIN").doesNotContain("STLS");
            client.send("STLS").expect("-ERR TLS already active");
            client.send("AUTH PLAIN").expect("+ ")
                    .send(Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8)))
                    .expect("+OK Logged in, 2 messages (");
            client.send("QUIT").expect("+OK");
        }
    }

    @Test
    void angusWithUserAndPassOnAPlaintextListener() throws Exception {
        try (Pop3Server server = start(true, null, false)) {
            Properties props = angus("pop3", server.port());
            props.put("mail.pop3.auth.plain.disable", "true"); // falls back to USER/PASS
            try (Store store = Session.getInstance(props).getStore("pop3")) {
                assertThatThrownBy(() -> store.connect("alice", "wrong"))
                        .isInstanceOf(AuthenticationFailedException.class)
                        .hasMessageContaining("[AUTH] Authentication failed");
                store.connect("alice", "secret");
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                assertThat(inbox.getMessageCount()).isEqualTo(2);
                inbox.close(false);
            }
        }
    }

    @Test
    void angusOverPop3s() throws Exception {
        try (Pop3Server server = start(false, tls::newServerEngine, true)) {
            try (Store store = Session.getInstance(angus("pop3s", server.port())).getStore("pop3s")) {
                store.connect("alice", "secret");
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                assertThat(inbox.getMessage(2).getSubject()).isEqualTo("two");
                inbox.close(false);
            }
        }
    }

    @Test
    void lockedMailboxIsInUseAndADroppedConnectionDeletesNothing() throws Exception {
        try (Pop3Server server = start(true, null, false)) {
            Client first = new Client(server.port());
            first.expect("+OK dirmail POP3 ready");
            first.send("USER alice").expect("+OK").send("PASS secret").expect("+OK Logged in, 2 messages");
            first.send("DELE 1").expect("+OK").send("DELE 2").expect("+OK");
            try (Client second = new Client(server.port())) {
                second.expect("+OK").send("USER alice").expect("+OK").send("PASS secret")
                        .expect("-ERR [IN-USE] Mailbox is locked by another POP3 session");
                first.close(); // no QUIT
                // The lock goes when the server has seen the close; retry until then.
                long deadline = System.nanoTime() + 5_000_000_000L;
                String reply;
                do {
                    Thread.sleep(20);
                    reply = second.send("USER alice").expect("+OK").send("PASS secret").line();
                } while (reply.startsWith("-ERR [IN-USE]") && System.nanoTime() < deadline);
                assertThat(reply).startsWith("+OK Logged in, 2 messages");
                second.send("QUIT").expect("+OK");
            }
        }
        assertThat(maildir.resolve("new/1700000001.M1P1Q1.mx,S=40")).exists();
    }

    @Test
    void aLargeMessageIsStreamedWithTheAnnouncedSize() throws Exception {
        String line = ".".repeat(70) + "\n"; // every line dot-stuffed
        TestMaildir.put(maildir, "new", "1700000003.M1P1Q3.mx", "Subject: big\n\n" + line.repeat(100_000));
        try (Pop3Server server = start(true, null, false); Client client = new Client(server.port())) {
            client.expect("+OK").send("USER alice").expect("+OK").send("PASS secret").expect("+OK");
            long size = Long.parseLong(client.send("LIST 3").line().split(" ")[2]);
            assertThat(size).isEqualTo(14 + 2 + 100_000L * 72);
            client.send("RETR 3").expect("+OK " + size + " octets");
            long octets = 0;
            long lines = 0;
            for (String l = client.rawLine(); !l.equals("."); l = client.rawLine()) {
                octets += l.length() + 2 - (l.startsWith(".") ? 1 : 0);
                lines++;
            }
            assertThat(octets).isEqualTo(size);
            assertThat(lines).isEqualTo(100_002);
            client.send("STAT").expect("+OK 3 ");
        }
    }

    @Test
    void closingTheServerTellsIdleSessionsAndKeepsMarkedMail() throws Exception {
        Pop3Server server = start(true, null, false);
        try (server; Client client = new Client(server.port())) {
            client.expect("+OK").send("USER alice").expect("+OK").send("PASS secret").expect("+OK");
            client.send("DELE 1").expect("+OK");
            server.close();
            client.expect("-ERR [SYS/TEMP] Server shutting down");
        }
        assertThat(maildir.resolve("new/1700000001.M1P1Q1.mx,S=40")).exists();
    }

    private Properties angus(String protocol, int port) {
        Properties props = new Properties();
        props.put("mail." + protocol + ".host", "127.0.0.1");
        props.put("mail." + protocol + ".port", String.valueOf(port));
        props.put("mail." + protocol + ".ssl.socketFactory", clientTls.getSocketFactory());
        props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "10000");
        return props;
    }

    /** A line-at-a-time POP3 client. */
    private static final class Client implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        Client send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        Client expect(String prefix) throws IOException {
            assertThat(line()).startsWith(prefix);
            return this;
        }

        /** The next line, without assertions: for the hundred thousand lines of a big message. */
        String rawLine() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("EOF");
            }
            return line;
        }

        /** The lines of a multi-line reply up to the terminating ".". */
        List<String> body() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String l = line(); !l.equals("."); l = line()) {
                lines.add(l);
            }
            return lines;
        }

        /** RFC 2595 4: the TLS handshake on the same connection, checking the server's name. */
        void startTls(SSLContext context) throws IOException {
            SSLSocket tlsSocket = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, "127.0.0.1", socket.getPort(), true);
            SSLParameters params = tlsSocket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tlsSocket.setSSLParameters(params);
            tlsSocket.startHandshake();
            socket = tlsSocket;
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            String line = in.readLine();
            assertThat(line).as("a line before EOF").isNotNull();
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
