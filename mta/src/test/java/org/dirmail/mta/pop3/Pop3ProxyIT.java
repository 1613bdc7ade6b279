package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.mta.pop3.Pop3MailboxTest.TestMaildir;
import org.dirmail.tls.ClientTls;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster proxy over loopback: node1.test proxies bob, whose mailHost is node2.test, to a
 * second server with its own mail root; node2 takes logins over STLS only, with a self-signed
 * certificate for node2.test that node1 trusts explicitly. Clients: Angus Mail and a socket.
 */
class Pop3ProxyIT {

    @TempDir
    Path root1;
    @TempDir
    Path root2;
    @TempDir
    Path tlsDir;
    @TempDir
    Path otherTlsDir;

    private final TestAuthenticator directory1 = cluster(new TestAuthenticator());
    private final TestAuthenticator directory2 = cluster(new TestAuthenticator());
    private final List<AutoCloseable> running = new ArrayList<>();
    private ServerTls node2Tls;
    private SSLContext trustNode2;
    private Path bobsMaildir;

    /** What every node's directory says: bob lives on node2.test, alice on node1.test. */
    private static TestAuthenticator cluster(TestAuthenticator directory) {
        return directory.user("bob", "bob secret", "bob/Maildir/", "node2.test", AccountStatus.ACTIVE)
                .user("alice", "alice-secret", "alice/Maildir/", "node1.test", AccountStatus.ACTIVE);
    }

    @BeforeEach
    void setUp() throws Exception {
        node2Tls = ServerTls.start(TlsSettings.selfSigned(tlsDir, "node2.test"));
        running.add(node2Tls);
        trustNode2 = ClientTls.trusting(node2Tls.certificateChain());
        bobsMaildir = TestMaildir.create(root2.resolve("bob/Maildir"));
        TestMaildir.put(bobsMaildir, "new", "1700000001.M1P1Q1.node2,S=36", "Subject: one\n\nstored on node2\n");
        TestMaildir.put(bobsMaildir, "new", "1700000002.M1P1Q2.node2,S=22", "Subject: two\n\nsecond\n");
        TestMaildir.create(root1.resolve("alice/Maildir"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    /** node2: STLS offered, no plaintext logins, so a proxied login there proves TLS was used. */
    private Pop3Server node2(Set<String> names, Optional<Pop3ProxySettings> proxy) throws InterruptedException {
        Pop3Settings settings = new Pop3Settings(names, root2, Duration.ofMinutes(10), false, Duration.ofMillis(50),
                20, proxy);
        return run(Pop3Server.start("127.0.0.1", 0, settings, directory2, throttle(), node2Tls::newServerEngine,
                false));
    }

    private Pop3Server node1(Duration idle, Optional<Pop3ProxySettings> proxy) throws InterruptedException {
        Pop3Settings settings = new Pop3Settings(Set.of("node1.test"), root1, idle, true, Duration.ofMillis(50), 20,
                proxy);
        return run(Pop3Server.start("127.0.0.1", 0, settings, directory1, throttle(), null, false));
    }

    private static Optional<Pop3ProxySettings> proxyTo(int port, Pop3ProxySettings.Tls tls, SSLContext trust) {
        Pop3ProxyTargets targets = host -> {
            if (!host.equals("node2.test") && !host.equals("node1.test")) {
                throw new UnknownHostException(host);
            }
            return new InetSocketAddress("127.0.0.1", port);
        };
        return Optional.of(new Pop3ProxySettings(tls, trust, targets, Duration.ofSeconds(10)));
    }

    @Test
    void angusOnNode1ReadsAndDeletesBobsMailOnNode2() throws Exception {
        Pop3Server node2 = node2(Set.of("node2.test"), Optional.empty());
        Pop3Server node1 = node1(Duration.ofMinutes(10),
                proxyTo(node2.port(), Pop3ProxySettings.Tls.ENCRYPT, trustNode2));
        Properties props = new Properties();
        props.put("mail.pop3.host", "127.0.0.1");
        props.put("mail.pop3.port", String.valueOf(node1.port()));
        props.put("mail.pop3.timeout", "10000");
        props.put("mail.pop3.auth.plain.disable", "true"); // USER/PASS to node1; node1 uses AUTH PLAIN to node2
        try (Store store = Session.getInstance(props).getStore("pop3")) {
            store.connect("bob", "bob secret");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            Message first = inbox.getMessage(1);
            assertThat(first.getSubject()).isEqualTo("one");
            assertThat(new String(first.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("stored on node2\r\n");
            inbox.getMessage(2).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true); // QUIT goes to node2: its UPDATE state deletes
        }
        assertThat(bobsMaildir.resolve("cur/1700000001.M1P1Q1.node2,S=36:2,S")).exists();
        assertThat(bobsMaildir.resolve("new/1700000002.M1P1Q2.node2,S=22")).doesNotExist();
        assertThat(directory1.asked).containsExactly("bob");
        assertThat(directory2.asked).containsExactly("bob");
    }

    @Test
    void pipelinedCommandsAndABigMessageCrossTheRelayUnchanged() throws Exception {
        String line = ".".repeat(70) + "\n";
        TestMaildir.put(bobsMaildir, "new", "1700000003.M1P1Q3.node2", "Subject: big\n\n" + line.repeat(50_000));
        Pop3Server node2 = node2(Set.of("node2.test"), Optional.empty());
        Pop3Server node1 = node1(Duration.ofMinutes(10), proxyTo(node2.port(), Pop3ProxySettings.Tls.MAY, trustNode2));
        try (Client client = new Client(node1.port())) {
            client.expect("+OK dirmail POP3 ready");
            // RFC 2449 6.6 PIPELINING: what follows PASS, even half a line, must reach node2 in order.
            client.sendRaw("USER bob\r\nPASS bob secret\r\nSTAT\r\nUIDL 1\r\nRE");
            client.expect("+OK Send PASS").expect("+OK Logged in, 3 messages (")
                    .expect("+OK 3 ").expect("+OK 1 1700000001.M1P1Q1.node2,S=36");
            client.send("TR 3");
            long size = 14 + 2 + 50_000L * 72;
            client.expect("+OK " + size + " octets");
            long octets = 0;
            for (String l = client.line(); !l.equals("."); l = client.line()) {
                octets += l.length() + 2 - (l.startsWith(".") ? 1 : 0);
            }
            assertThat(octets).isEqualTo(size);
            client.send("QUIT").expect("+OK dirmail POP3 server signing off");
            assertThat(client.eof()).isTrue();
        }
    }

    @Test
    void aClientThatLeavesOrFallsSilentReleasesBobsMaildropOnNode2() throws Exception {
        Pop3Server node2 = node2(Set.of("node2.test"), Optional.empty());
        Pop3Server node1 = node1(Duration.ofMillis(500), proxyTo(node2.port(), Pop3ProxySettings.Tls.MAY, trustNode2));
        try (Client client = new Client(node1.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret").expect("+OK Logged in");
            client.send("DELE 1").expect("+OK");
            assertThat(client.eof()).as("closed by node1's idle timeout").isTrue();
        }
        // node2 saw the close: the lock is gone, and nothing was deleted without QUIT (RFC 1939 6).
        try (Client direct = new Client(node2.port())) {
            direct.expect("+OK").send("XHOP").expect("+OK");
            assertThat(direct.send("CAPA").expect("+OK").body()).contains("STLS");
        }
        assertThat(bobsMaildir.resolve("new/1700000001.M1P1Q1.node2,S=36")).exists();
        try (Client client = new Client(node1.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret")
                    .expect("+OK Logged in, 2 messages");
        }
    }

    @Test
    void withoutAProxyOrWithTheNodeDownTheLoginIsATemporaryFailure() throws Exception {
        Pop3Server plain = node1(Duration.ofMinutes(10), Optional.empty());
        try (Client client = new Client(plain.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret")
                    .expect("-ERR [SYS/TEMP] Mailbox is on another server (node2.test); connect there");
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Pop3Server node1 = node1(Duration.ofMinutes(10), proxyTo(closedPort, Pop3ProxySettings.Tls.MAY, trustNode2));
        try (Client client = new Client(node1.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret")
                    .expect("-ERR [SYS/TEMP] Mailbox server node2.test is unreachable; try again later");
            // Still in AUTHORIZATION: a user of this node logs in here.
            client.send("USER alice").expect("+OK").send("PASS alice-secret").expect("+OK Logged in, 0 messages");
        }
    }

    @Test
    void aNodeWhoseCertificateIsNotTrustedOrThatHasNoTlsGetsNoPassword() throws Exception {
        Pop3Server node2 = node2(Set.of("node2.test"), Optional.empty());
        SSLContext trustSomeoneElse;
        try (ServerTls other = ServerTls.start(TlsSettings.selfSigned(otherTlsDir, "node2.test"))) {
            trustSomeoneElse = ClientTls.trusting(other.certificateChain());
        }
        Pop3Server node1 = node1(Duration.ofMinutes(10),
                proxyTo(node2.port(), Pop3ProxySettings.Tls.ENCRYPT, trustSomeoneElse));
        try (Client client = new Client(node1.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret")
                    .expect("-ERR [SYS/TEMP] Mailbox server node2.test is unreachable");
        }
        Pop3Server noTls = node1(Duration.ofMinutes(10), Optional.empty()); // offers no STLS
        Pop3Server strict = node1(Duration.ofMinutes(10),
                proxyTo(noTls.port(), Pop3ProxySettings.Tls.ENCRYPT, trustNode2));
        try (Client client = new Client(strict.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret")
                    .expect("-ERR [SYS/TEMP] Mailbox server node2.test is unreachable");
        }
        assertThat(directory2.asked).isEmpty();
        assertThat(directory1.asked).containsExactly("bob", "bob"); // never the no-TLS node's own check
    }

    @Test
    void aMailHostLoopIsCutAfterOneHop() throws Exception {
        // node2 does not count itself as node2.test, so it would send bob back to node1.
        AtomicInteger node1Port = new AtomicInteger();
        Pop3Server node2 = node2(Set.of("node2-other.test"), Optional.of(new Pop3ProxySettings(
                Pop3ProxySettings.Tls.NONE, null, host -> new InetSocketAddress("127.0.0.1", node1Port.get()),
                Duration.ofSeconds(10))));
        Pop3Server node1 = node1(Duration.ofMinutes(10), proxyTo(node2.port(), Pop3ProxySettings.Tls.MAY, trustNode2));
        node1Port.set(node1.port());
        try (Client client = new Client(node1.port())) {
            client.expect("+OK").send("USER bob").expect("+OK").send("PASS bob secret")
                    .expect("-ERR [SYS/TEMP] Mailbox server node2.test refused the login; try again later");
        }
        assertThat(directory1.asked).containsExactly("bob"); // node2 never came back
        assertThat(directory2.asked).containsExactly("bob");
    }

    private static AuthThrottle throttle() {
        return new AuthThrottle(50, Duration.ofMinutes(10), Clock.systemUTC());
    }

    private Pop3Server run(Pop3Server server) {
        running.add(server);
        return server;
    }

    /** A line-at-a-time POP3 client. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        /** Sends {@code text} and CRLF in one write. */
        Client send(String text) throws IOException {
            return sendRaw(text + "\r\n");
        }

        Client sendRaw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        Client expect(String prefix) throws IOException {
            assertThat(line()).startsWith(prefix);
            return this;
        }

        List<String> body() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String l = line(); !l.equals("."); l = line()) {
                lines.add(l);
            }
            return lines;
        }

        String line() throws IOException {
            String line = in.readLine();
            assertThat(line).as("a line before EOF").isNotNull();
            return line;
        }

        boolean eof() throws IOException {
            return in.readLine() == null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
