package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.mta.config.DirmailConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server over real sockets: the embedded directory, the queue, Maildir delivery, and a
 * real SMTP client library (Angus Mail).
 */
class DirmailServerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private DirmailServer server;
    private EmbeddedDirectory restartedDirectory;

    @BeforeEach
    void start() throws Exception {
        DirmailConfig config = TestServerConfig.load(data,
                "submission_listen=127.0.0.1:0",
                "smtps_listen=127.0.0.1:0",
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s",
                "local_retry_constant=1");
        server = DirmailServer.start(config);
    }

    @AfterEach
    void stop() {
        server.close();
        if (restartedDirectory != null) {
            restartedDirectory.close();
        }
    }

    @Test
    void mailToAliceAndToBobsAliasArrivesInTheirMaildirs() throws Exception {
        Session session = Session.getInstance(smtpProperties());
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@client.example"));
        message.setRecipients(Message.RecipientType.TO, "alice@example.com, bob.smith@example.com");
        message.setSubject("backbone test");
        message.setText("Hello from Angus Mail.\n.leading dot line\n");
        Transport.send(message);

        Path alice = maildir("example.com/alice");
        Path bob = maildir("example.com/bob");
        List<Path> aliceMail = MaildirProbe.awaitMessages(alice, 1, WAIT);
        List<Path> bobMail = MaildirProbe.awaitMessages(bob, 1, WAIT);
        assertThat(aliceMail).hasSize(1);
        assertThat(bobMail).hasSize(1);

        String a = Files.readString(aliceMail.get(0), StandardCharsets.US_ASCII);
        assertThat(a).startsWith("Return-Path: <sender@client.example>\nDelivered-To: alice@example.com\nReceived: from ");
        assertThat(a).contains("by mx.test.example").contains("Subject: backbone test")
                .contains("\n.leading dot line\n").doesNotContain("\r\n");
        String b = Files.readString(bobMail.get(0), StandardCharsets.US_ASCII);
        assertThat(b).contains("Delivered-To: bob.smith@example.com\n");
        // The queue file goes just after the last Maildir file is in place.
        assertThat(MaildirProbe.awaitEmpty(data.resolve("queue/msg"), WAIT)).isEmpty();
    }

    @Test
    void localMailIsInTheMaildirWhenThe250ArrivesAndNeverQueued() throws Exception {
        sendRaw("alice@example.com", "Subject: before the reply\r\n\r\ndelivered, then acknowledged\r\n");

        // No waiting: delivery before the reply means the file is there once the 250 is.
        List<Path> aliceMail = MaildirProbe.list(maildir("example.com/alice").resolve("new"));
        assertThat(aliceMail).hasSize(1);
        assertThat(Files.readString(aliceMail.get(0))).contains("delivered, then acknowledged");
        assertThat(MaildirProbe.list(data.resolve("queue/msg"))).isEmpty();
        assertThat(MaildirProbe.list(data.resolve("queue/tmp"))).isEmpty();
    }

    @Test
    void recipientPolicyAnswersFromTheDirectory() throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            assertThat(smtp.reply()).startsWith("220 mx.test.example");
            assertThat(smtp.send("EHLO client.example")).startsWith("250 ");
            assertThat(smtp.send("MAIL FROM:<s@client.example>")).startsWith("250 2.1.0");
            assertThat(smtp.send("RCPT TO:<alice@example.com>")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<ALICE@EXAMPLE.COM>")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<nobody@example.com>")).startsWith("550 5.1.1");
            assertThat(smtp.send("RCPT TO:<dave@example.com>")).startsWith("550 5.2.1");
            assertThat(smtp.send("RCPT TO:<anything@example.org>")).as("catch-all").startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<x@elsewhere.example>")).startsWith("554 5.7.1");
            assertThat(smtp.send("RCPT TO:<*@example.com>")).startsWith("550 5.1.1");
            assertThat(smtp.send("RCPT TO:<x)(mail=*@example.com>")).startsWith("5");
            assertThat(smtp.send("QUIT")).startsWith("221 2.0.0");
        }
    }

    @Test
    void anEditMadeWithLdapIsHonouredByTheNextMessage() throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<robert@example.com>")).startsWith("550 5.1.1");

            try (LDAPConnection admin = adminConnection()) {
                admin.modify("uid=bob,ou=people,dc=example,dc=com",
                        new Modification(ModificationType.ADD, "mailAlternateAddress", "robert@example.com"));
            }

            assertThat(smtp.send("RCPT TO:<robert@example.com>")).startsWith("250 2.1.5");
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send("Subject: live edit\r\n\r\nno restart needed\r\n.")).startsWith("250 2.0.0");
        }
        List<Path> bobMail = MaildirProbe.awaitMessages(maildir("example.com/bob"), 1, WAIT);
        assertThat(bobMail).hasSize(1);
        assertThat(Files.readString(bobMail.get(0))).contains("Delivered-To: robert@example.com\n")
                .contains("no restart needed");
    }

    @Test
    void directoryOutageGives451AndQueuedMailWaitsForTheDirectory() throws Exception {
        EmbeddedDirectory directory = server.embeddedDirectory();
        int ldapPort = directory.port();
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<alice@example.com>")).startsWith("250 2.1.5");

            directory.close();

            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("451 4.4.3");
            // Delivery before the reply may use alice's RCPT answer for a second: let it age.
            Thread.sleep(1100);
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send("Subject: outage\r\n\r\nqueued while the directory is down\r\n."))
                    .startsWith("250 2.0.0");
        }
        // Delivery needs the directory too: the message waits in the queue, it is not bounced.
        Thread.sleep(2000);
        assertThat(MaildirProbe.list(maildir("example.com/alice").resolve("new"))).isEmpty();
        assertThat(MaildirProbe.list(data.resolve("queue/msg"))).hasSize(1);

        restartedDirectory = EmbeddedDirectory.start(data.resolve("directory"), "127.0.0.1", ldapPort);

        List<Path> aliceMail = MaildirProbe.awaitMessages(maildir("example.com/alice"), 1, WAIT);
        assertThat(aliceMail).hasSize(1);
        assertThat(Files.readString(aliceMail.get(0))).contains("queued while the directory is down");
    }

    @Test
    void forwardOnlyEntryForwardsToItsTargetAndKeepsNoCopy() throws Exception {
        sendRaw("carol@example.com", "Subject: to carol\r\n\r\nplease forward\r\n");

        List<Path> aliceMail = MaildirProbe.awaitMessages(maildir("example.com/alice"), 1, WAIT);
        assertThat(aliceMail).hasSize(1);
        assertThat(Files.readString(aliceMail.get(0)))
                .startsWith("Return-Path: <s@client.example>\nDelivered-To: alice@example.com\nDelivered-To: carol@example.com\n")
                .contains("please forward");
        assertThat(MaildirProbe.list(maildir("example.com/carol").resolve("new"))).isEmpty();
    }

    @Test
    void forwardingLoopEndsOnTheDeliveredToLine() throws Exception {
        try (LDAPConnection admin = adminConnection()) {
            admin.modify("uid=alice,ou=people,dc=example,dc=com",
                    new Modification(ModificationType.ADD, "mailForwardingAddress", "bob@example.com"));
            admin.modify("uid=bob,ou=people,dc=example,dc=com",
                    new Modification(ModificationType.ADD, "mailForwardingAddress", "alice@example.com"));
        }
        sendRaw("alice@example.com", "Subject: loop\r\n\r\nround and round\r\n");

        // alice keeps a copy and forwards to bob; bob keeps a copy and forwards to alice, where
        // the message meets alice's Delivered-To line and stops: one copy each, nothing queued.
        assertThat(MaildirProbe.awaitMessages(maildir("example.com/bob"), 1, WAIT)).hasSize(1);
        Path queue = data.resolve("queue/msg");
        assertThat(MaildirProbe.awaitEmpty(queue, WAIT)).isEmpty();
        assertThat(MaildirProbe.list(maildir("example.com/alice").resolve("new"))).hasSize(1);
        assertThat(MaildirProbe.list(maildir("example.com/bob").resolve("new"))).hasSize(1);
    }

    private void sendRaw(String rcpt, String message) throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example>");
            assertThat(smtp.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send(message + ".")).startsWith("250 2.0.0");
        }
    }

    private Path maildir(String userDir) {
        return data.resolve("mail").resolve(userDir).resolve("Maildir");
    }

    private Properties smtpProperties() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(server.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "30000");
        return p;
    }

    private LDAPConnection adminConnection() throws Exception {
        EmbeddedDirectory d = server.embeddedDirectory();
        return new LDAPConnection("127.0.0.1", d.port(), EmbeddedDirectory.ADMIN_DN, d.adminPassword());
    }
}
