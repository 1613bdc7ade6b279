package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.delivery.DeliveryScheduler;
import org.dirmail.mta.dns.FakeDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two nodes on loopback sharing one directory, each with its own queue and mail root: mail for a
 * user whose mailHost is node B, sent to node A, ends in B's Maildir only; and when the nodes
 * disagree (neither thinks it holds the mailbox, each relays to the other), the second visit to
 * A ends it with 5.4.6 instead of an endless round trip. Node names resolve through a fake DNS
 * server; B reaches A's port through a forwarder because A's port is known only after B starts.
 */
class ClusterRelayIT {

    private static final String BOB_DN = "uid=bob,ou=people," + EmbeddedDirectory.BASE_DN;

    @TempDir
    Path dirData;
    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private EmbeddedDirectory directory;
    private DirmailServer nodeA;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        FakeDnsServer dns = FakeDnsServer.start();
        resources.add(dns);
        dns.a("nodea.test", "127.0.0.1").a("nodeb.test", "127.0.0.1").a("nowhere.test", "127.0.0.1");
        directory = EmbeddedDirectory.start(dirData, "127.0.0.1", 0);
        resources.add(directory);
        PortForwarder toA = new PortForwarder();
        resources.add(toA);
        int dnsPort = dns.settings(Duration.ofSeconds(2)).servers().get(0).getPort();
        DirmailServer nodeB = node(dataB, "nodeb.test", toA.port(), dnsPort);
        nodeA = node(dataA, "nodea.test", nodeB.smtpPort(), dnsPort);
        toA.target = nodeA.smtpPort();
        log.start();
        ((Logger) LoggerFactory.getLogger(DeliveryScheduler.class)).addAppender(log);
    }

    private DirmailServer node(Path data, String hostname, int clusterPort, int dnsPort) throws Exception {
        DirmailServer node = DirmailServer.start(DirmailConfig.load(null, List.of(
                "data_dir=" + data,
                "hostname=" + hostname,
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "smtp_greeting_delay=0s",
                "submission_listen=",
                "smtps_listen=",
                "pop3_listen=",
                "pop3s_listen=",
                "embedded_directory=no",
                "ldap_urls=" + directory.ldapUrl(),
                "ldap_bind_dn=" + EmbeddedDirectory.ADMIN_DN,
                "ldap_bind_password_file=" + directory.adminPasswordFile(),
                "dns_resolvers=127.0.0.1:" + dnsPort,
                "cluster_smtp_port=" + clusterPort)));
        resources.add(node);
        return node;
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(DeliveryScheduler.class)).detachAppender(log);
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // the next resource still has to stop
            }
        }
    }

    @Test
    void mailForAUserOnNodeBSentToNodeAEndsInNodeBsMaildir() throws Exception {
        setBobsMailHost("nodeb.test");
        send(nodeA, "Subject: for node B\r\n\r\nrelayed once\r\n");

        Path onB = dataB.resolve("mail/example.com/bob/Maildir");
        List<Path> stored = MaildirProbe.awaitMessages(onB, 1, Duration.ofSeconds(30));
        assertThat(stored).hasSize(1);
        assertThat(Files.readString(stored.get(0), StandardCharsets.ISO_8859_1))
                .contains("Delivered-To: CLUSTERHOST nodea.test bob@example.com", "relayed once")
                .contains("Return-Path: <s@client.example>");
        assertThat(dataA.resolve("mail/example.com/bob")).doesNotExist();
        // Node A logs the relay once node B's 250 is back, which can be after B stored the mail.
        Instant logged = Instant.now().plusSeconds(30);
        while (messages().stream().noneMatch(ClusterRelayIT::relayedByA) && Instant.now().isBefore(logged)) {
            Thread.sleep(50);
        }
        assertThat(messages()).anyMatch(ClusterRelayIT::relayedByA);
    }

    @Test
    void nodesThatEachThinkTheOtherHoldsTheMailboxStopTheLoopWith546() throws Exception {
        setBobsMailHost("nowhere.test"); // neither node's name: A relays to B, B back to A
        send(nodeA, "Subject: ping-pong\r\n\r\nround and round\r\n");

        // Each node logs its hop when the other's 250 is back, so B's line may come after A's bounce.
        Instant deadline = Instant.now().plusSeconds(30);
        while ((messages().stream().noneMatch(m -> m.contains("status=bounced (5.4.6"))
                || messages().stream().filter(ClusterRelayIT::hop).count() < 2) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(messages()).filteredOn(m -> m.contains("status=bounced (5.4.6"))
                .singleElement().asString().contains("to=<bob@example.com>", "looping");
        assertThat(messages()).filteredOn(ClusterRelayIT::hop)
                .as("A to B, then B to A: two hops and no more").hasSize(2);
        assertThat(dataA.resolve("mail/example.com/bob")).doesNotExist();
        assertThat(dataB.resolve("mail/example.com/bob")).doesNotExist();
    }

    private void setBobsMailHost(String host) throws Exception {
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN,
                directory.adminPassword())) {
            admin.modify(BOB_DN, new Modification(ModificationType.REPLACE, "mailHost", host));
        }
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void send(DirmailServer node, String message) throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(node.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            smtp.send("DATA");
            assertThat(smtp.send(message + ".")).startsWith("250 2.0.0");
        }
    }

    /** Accepts on a port of its own and pipes each connection to {@link #target} on 127.0.0.1. */
    private static final class PortForwarder implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        volatile int target;

        PortForwarder() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket in = listener.accept();
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                        pipe(in, out);
                        pipe(out, in);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "port-forwarder");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private static void pipe(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // one side closed: the other follows
                } finally {
                    try {
                        to.close();
                        from.close();
                    } catch (IOException e) {
                        // already closed
                    }
                }
            }, "port-forwarder-pipe");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    private static boolean relayedByA(String line) {
        return line.contains("to=<bob@example.com>") && line.contains("status=sent")
                && line.contains("cluster relay=nodeb.test[127.0.0.1]:") && line.contains(" said: 250");
    }

    private static boolean hop(String line) {
        return line.contains("status=sent") && line.contains("cluster relay=");
    }
}
