package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.mta.bounce.Bouncer;
import org.dirmail.mta.bounce.Dsn;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.dns.FakeDnsServer;
import org.dirmail.mta.server.DirmailServer;
import org.dirmail.mta.server.SmtpTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Bounces through the whole server: a remote 5xx and a local unknown user reported to the
 * sender (local Maildir or remote server), a group member's failure to the bounceadmin, a
 * null-sender failure to the postmaster, a failed double bounce dropped without a loop, and the
 * queue lifetime turning a deferral into a bounce. Each DSN is read back with Jakarta Mail.
 */
class BounceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private FakeDnsServer dns;
    private FakeSmtpServer destination;
    private DirmailServer server;
    private final ListAppender<ILoggingEvent> bounceLog = new ListAppender<>();

    @BeforeEach
    void startFakes() throws Exception {
        dns = FakeDnsServer.start();
        destination = FakeSmtpServer.start();
        dns.mx("remote.example", 10, "mx.remote.example").a("mx.remote.example", "127.0.0.1");
        destination.rcptReply = rcpt -> rcpt.contains("bad") || rcpt.contains("pm@") || rcpt.contains("ghost")
                ? "550 5.1.1 no such user" : rcpt.contains("slow") ? "451 4.2.0 try later" : "250 2.1.5 Ok";
        bounceLog.start();
        ((Logger) LoggerFactory.getLogger(Bouncer.class)).addAppender(bounceLog);
    }

    private void startServer(String... extra) throws Exception {
        InetSocketAddress resolver = dns.settings(Duration.ofSeconds(2)).servers().get(0);
        List<String> settings = new ArrayList<>(List.of(
                "data_dir=" + data,
                "hostname=mx.test.example",
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "smtp_greeting_delay=0s",
                "submission_listen=", "smtps_listen=", "pop3_listen=", "pop3s_listen=",
                "embedded_directory_listen=127.0.0.1:0",
                "relay_networks=127.0.0.1",
                "dns_resolvers=127.0.0.1:" + resolver.getPort(),
                "remote_smtp_port=" + destination.port(),
                "local_retry_constant=1",
                "remote_retry_constant=1"));
        settings.addAll(List.of(extra));
        server = DirmailServer.start(DirmailConfig.load(null, settings));
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Bouncer.class)).detachAppender(bounceLog);
        if (server != null) {
            server.close();
        }
        destination.close();
        dns.close();
    }

    @Test
    void aRemoteRefusalOfOneOfTwoRecipientsBouncesToTheLocalSender() throws Exception {
        startServer();
        send("alice@example.com", List.of("ok@remote.example", "bad@remote.example"),
                "Subject: two of us\r\nMessage-ID: <two@example.com>\r\n\r\nhello\r\n");

        String bounce = awaitOne(maildir("example.com/alice"));
        assertThat(bounce).startsWith("Return-Path: <>\nDelivered-To: alice@example.com\n");
        Dsn dsn = Dsn.parse(bounce.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(dsn.message.getHeader("To", null)).isEqualTo("<alice@example.com>");
        assertThat(dsn.message.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(dsn.messageField("Reporting-MTA")).isEqualTo("dns; mx.test.example");
        assertThat(dsn.recipients()).isEqualTo(1);
        assertThat(dsn.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; bad@remote.example");
        assertThat(dsn.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(dsn.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(dsn.recipientField(0, "Remote-MTA")).isEqualTo("dns; mx.remote.example");
        assertThat(dsn.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 no such user");
        assertThat(dsn.text()).contains("<bad@remote.example>: mx.remote.example");
        assertThat(((jakarta.mail.internet.MimeMessage) dsn.returned().getContent()).getMessageID())
                .isEqualTo("<two@example.com>");

        assertThat(destination.sessions).hasSize(1);
        assertThat(destination.sessions.get(0).commands).contains("RCPT TO:<ok@remote.example>");
        assertThat(new String(destination.sessions.get(0).data, StandardCharsets.US_ASCII)).contains("hello");
        awaitQueueEmpty();
        assertThat(logLines()).anyMatch(l -> l.matches("[0-9A-F]{16}: sender non-delivery notification: [0-9A-F]{16}"));
    }

    @Test
    void aLocalUnknownUserBouncesToTheRemoteSender() throws Exception {
        startServer();
        addEntry("fwd", "objectClass: qmailUser", "mail: fwd@example.com", "deliveryMode: forwardonly",
                "mailForwardingAddress: nobody-here@example.com");
        send("author@remote.example", List.of("fwd@example.com"), "Subject: via forward\r\n\r\nhi\r\n");

        FakeSmtpServer.Session session = awaitSession(s -> mailFrom(s, "") && s.data != null);
        assertThat(session.commands).contains("RCPT TO:<author@remote.example>");
        Dsn dsn = Dsn.parse(session.data);
        assertThat(dsn.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; nobody-here@example.com");
        assertThat(dsn.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(dsn.recipientField(0, "Remote-MTA")).isNull();
        assertThat(dsn.recipientField(0, "Diagnostic-Code")).startsWith("X-Dirmail; ");
        assertThat(dsn.message.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        awaitQueueEmpty();
    }

    @Test
    void aGroupMembersFailureBouncesToTheBounceadminNotTheAuthor() throws Exception {
        startServer();
        addEntry("list", "objectClass: qmailUser", "objectClass: qmailGroup", "mail: list@example.com",
                "mailAlternateAddress: list@example.com", "mailMessageStore: example.com/list/Maildir/", "bounceadmin: alice@example.com",
                "rfc822member: ghost@remote.example");
        send("author@remote.example", List.of("list@example.com"), "Subject: to the list\r\n\r\nhi all\r\n");

        Dsn dsn = Dsn.parse(awaitOne(maildir("example.com/alice")).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(dsn.message.getHeader("To", null)).isEqualTo("<alice@example.com>");
        assertThat(dsn.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; ghost@remote.example");
        awaitQueueEmpty();
        assertThat(destination.sessions).isNotEmpty().allMatch(s -> mailFrom(s, "alice@example.com"));
    }

    @Test
    void aFailedMessageFromTheNullSenderIsReportedToThePostmaster() throws Exception {
        startServer("postmaster_address=bob@example.com");
        send("", List.of("bad@remote.example"), "Subject: a notification\r\n\r\nauto\r\n");

        String bounce = awaitOne(maildir("example.com/bob"));
        assertThat(bounce).as("the #@[] mark never leaves the queue").startsWith("Return-Path: <>\n");
        Dsn dsn = Dsn.parse(bounce.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(dsn.message.getSubject()).isEqualTo("Postmaster Copy: Undelivered Mail");
        assertThat(dsn.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; bad@remote.example");
        awaitQueueEmpty();
        assertThat(logLines()).anyMatch(l -> l.contains(": postmaster non-delivery notification: "));
    }

    @Test
    void aFailedDoubleBounceIsLoggedAndDroppedWithoutALoop() throws Exception {
        startServer("postmaster_address=pm@remote.example");
        try (SmtpTestClient smtp = connect(server.smtpPort())) {
            smtp.send("HELO client.example");
            assertThat(smtp.send("MAIL FROM:<#@[]>")).as("the internal mark cannot be forged").startsWith("5");
        }
        send("", List.of("bad@remote.example"), "Subject: a notification\r\n\r\nauto\r\n");

        await(() -> logLines().stream().anyMatch(l -> l.contains("triple bounce")));
        awaitQueueEmpty();
        Thread.sleep(2000); // a loop would show up as more sessions by now
        assertThat(destination.sessions).hasSize(2);
        assertThat(mailFrom(destination.sessions.get(1), "")).isTrue();
        assertThat(destination.sessions.get(1).commands).contains("RCPT TO:<pm@remote.example>");
        assertThat(destination.sessions).allSatisfy(s -> assertThat(String.join("\n", s.commands)).doesNotContain("#@[]"));
        assertThat(logLines()).anyMatch(l -> l.endsWith(": triple bounce: double bounce to <pm@remote.example> failed, discarded"));
    }

    @Test
    void aRecipientStillDeferredAfterTheQueueLifetimeBouncesWithItsLastTemporaryError() throws Exception {
        startServer("queue_lifetime=2s");
        send("alice@example.com", List.of("slow@remote.example"), "Subject: patience\r\n\r\nwait\r\n");

        Dsn dsn = Dsn.parse(awaitOne(maildir("example.com/alice")).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(dsn.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; slow@remote.example");
        assertThat(dsn.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(dsn.recipientField(0, "Status")).isEqualTo("4.2.0");
        assertThat(dsn.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 451 4.2.0 try later");
        assertThat(dsn.text()).contains("<slow@remote.example>: delivery time expired");
        assertThat(destination.sessions.size()).as("tried until the lifetime ran out").isGreaterThanOrEqualTo(2);
        awaitQueueEmpty();
    }

    private void send(String from, List<String> rcpts, String message) throws Exception {
        try (SmtpTestClient smtp = connect(server.smtpPort())) {
            assertThat(smtp.send("HELO client.example")).startsWith("250");
            assertThat(smtp.send("MAIL FROM:<" + from + ">")).startsWith("250");
            for (String rcpt : rcpts) {
                assertThat(smtp.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
            }
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send(message + ".")).startsWith("250 2.0.0");
        }
    }

    /** The session's MAIL FROM named {@code sender} (parameters such as SIZE= may follow). */
    private static boolean mailFrom(FakeSmtpServer.Session s, String sender) {
        return s.commands.stream().anyMatch(c -> c.equals("MAIL FROM:<" + sender + ">")
                || c.startsWith("MAIL FROM:<" + sender + "> "));
    }

    private void addEntry(String uid, String... lines) throws Exception {
        List<String> ldif = new ArrayList<>(List.of("dn: uid=" + uid + ",ou=people,dc=example,dc=com",
                "objectClass: top", "objectClass: account", "uid: " + uid));
        ldif.addAll(List.of(lines));
        EmbeddedDirectory d = server.embeddedDirectory();
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", d.port(), EmbeddedDirectory.ADMIN_DN,
                d.adminPassword())) {
            admin.add(new Entry(ldif.toArray(String[]::new)));
        }
    }

    private Path maildir(String userDir) {
        return data.resolve("mail").resolve(userDir).resolve("Maildir").resolve("new");
    }

    /** The one message that arrives in {@code newDir}; a second one would be a duplicate bounce. */
    private String awaitOne(Path newDir) throws Exception {
        await(() -> count(newDir) >= 1);
        Thread.sleep(300);
        assertThat(count(newDir)).isEqualTo(1);
        try (Stream<Path> files = Files.list(newDir)) {
            return Files.readString(files.findFirst().orElseThrow(), StandardCharsets.ISO_8859_1);
        }
    }

    private FakeSmtpServer.Session awaitSession(java.util.function.Predicate<FakeSmtpServer.Session> match)
            throws Exception {
        await(() -> destination.sessions.stream().anyMatch(match));
        return destination.sessions.stream().filter(match).findFirst().orElseThrow();
    }

    private void awaitQueueEmpty() throws Exception {
        await(() -> count(data.resolve("queue/msg")) == 0);
    }

    private List<String> logLines() {
        return bounceLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static long count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** The project's line-level client, past the greeting. */
    private static SmtpTestClient connect(int port) throws Exception {
        SmtpTestClient smtp = new SmtpTestClient(port);
        assertThat(smtp.reply()).startsWith("220");
        return smtp;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("condition met within %s", WAIT).isTrue();
    }
}
