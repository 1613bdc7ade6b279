package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.mta.config.DirmailConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas end to end: alice's mailQuotaSize is made tiny with an LDAP modify, a message fills the
 * mailbox (and brings the one warning), then RCPT gets 452 and a message accepted before the
 * mailbox filled is bounced or deferred at delivery, as quota_exceeded says.
 */
class QuotaIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ALICE = "uid=alice,ou=people,dc=example,dc=com";
    /** Small enough for one 3.3 kB message (with its headers and the warning) to fill it. */
    private static final String TINY_QUOTA = "4000";

    @TempDir
    Path data;

    private DirmailServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void fullMailboxIs452AtRcptAndAnEarlierAcceptedMessageBounces() throws Exception {
        start();
        setAlice("mailQuotaSize", TINY_QUOTA);
        try (SmtpTestClient early = transactionFor("alice@example.com")) {
            send("alice@example.com", bigMessage());

            List<Path> files = MaildirProbe.awaitMessages(alice(), 2, WAIT);
            assertThat(files).hasSize(2);
            assertThat(warnings()).hasSize(1);
            assertThat(Files.readString(warnings().get(0))).contains("Subject: Your mailbox is ")
                    .contains("From: Mail Delivery System <MAILER-DAEMON@mx.test.example>");
            assertThat(Files.readAllLines(alice().resolve("maildirsize")).get(0)).isEqualTo(TINY_QUOTA + "S");

            try (SmtpTestClient late = new SmtpTestClient(server.smtpPort())) {
                late.reply();
                late.send("EHLO client.example");
                late.send("MAIL FROM:<s@client.example>");
                assertThat(late.send("RCPT TO:<alice@example.com>")).startsWith("452 4.2.2");
                assertThat(late.send("RCPT TO:<bob@example.com>")).startsWith("250 2.1.5");
            }

            assertThat(early.send("DATA")).startsWith("354");
            assertThat(early.send("Subject: too late\r\n\r\naccepted before the mailbox filled\r\n."))
                    .startsWith("250 2.0.0");
        }
        awaitEmptyQueue();
        assertThat(MaildirProbe.list(alice().resolve("new"))).hasSize(2);
        assertThat(warnings()).as("the warning comes once").hasSize(1);
    }

    @Test
    void withQuotaExceededDeferTheMessageWaitsUntilTheQuotaIsRaised() throws Exception {
        start("quota_exceeded=defer");
        setAlice("mailQuotaSize", TINY_QUOTA);
        try (SmtpTestClient early = transactionFor("alice@example.com")) {
            send("alice@example.com", bigMessage());
            assertThat(MaildirProbe.awaitMessages(alice(), 2, WAIT)).hasSize(2);

            assertThat(early.send("DATA")).startsWith("354");
            assertThat(early.send("Subject: deferred\r\n\r\nwaits for room\r\n.")).startsWith("250 2.0.0");
        }
        Thread.sleep(2000);
        assertThat(MaildirProbe.list(data.resolve("queue/msg"))).as("deferred, not bounced").hasSize(1);
        assertThat(MaildirProbe.list(alice().resolve("new"))).hasSize(2);

        setAlice("mailQuotaSize", "10485760");

        List<Path> files = MaildirProbe.awaitMessages(alice(), 3, WAIT);
        assertThat(files).hasSize(3);
        awaitEmptyQueue();
        assertThat(alice().resolve("dirmail-quota-warned")).as("usage dropped below 80 %").doesNotExist();
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void declaredSizeAboveMailSizeMaxIs552AtRcpt() throws Exception {
        start();
        setAlice("mailSizeMax", "1000");
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            smtp.send("MAIL FROM:<s@client.example> SIZE=2000");
            assertThat(smtp.send("RCPT TO:<alice@example.com>")).startsWith("552 5.3.4");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250 2.1.5");
        }
    }

    private void start(String... extra) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "data_dir=" + data,
                "hostname=mx.test.example",
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "embedded_directory_listen=127.0.0.1:0",
                "submission_listen=", "smtps_listen=", "pop3_listen=", "pop3s_listen=",
                "local_retry_constant=1"));
        settings.addAll(List.of(extra));
        server = DirmailServer.start(DirmailConfig.load(null, settings));
    }

    private void setAlice(String attribute, String value) throws Exception {
        EmbeddedDirectory d = server.embeddedDirectory();
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", d.port(), EmbeddedDirectory.ADMIN_DN,
                d.adminPassword())) {
            admin.modify(ALICE, new Modification(ModificationType.REPLACE, attribute, value));
        }
    }

    /** An open session with {@code rcpt} accepted, for a message that arrives after others. */
    private SmtpTestClient transactionFor(String rcpt) throws Exception {
        SmtpTestClient smtp = new SmtpTestClient(server.smtpPort());
        smtp.reply();
        smtp.send("EHLO client.example");
        smtp.send("MAIL FROM:<s@client.example>");
        assertThat(smtp.send("RCPT TO:<" + rcpt + ">")).startsWith("250 2.1.5");
        return smtp;
    }

    private void send(String rcpt, String message) throws Exception {
        try (SmtpTestClient smtp = transactionFor(rcpt)) {
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send(message + ".")).startsWith("250 2.0.0");
        }
    }

    /** About 3.3 kB of text: with its headers 85 % to 95 % of the tiny quota. */
    private static String bigMessage() {
        StringBuilder m = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; i < 44; i++) {
            m.append("x".repeat(74)).append("\r\n");
        }
        return m.toString();
    }

    private Path alice() {
        return data.resolve("mail/example.com/alice/Maildir");
    }

    private List<Path> warnings() throws Exception {
        List<Path> found = new ArrayList<>();
        for (Path file : MaildirProbe.list(alice().resolve("new"))) {
            if (Files.readString(file).contains("Auto-Submitted: auto-generated")) {
                found.add(file);
            }
        }
        return found;
    }

    private void awaitEmptyQueue() throws Exception {
        assertThat(MaildirProbe.awaitEmpty(data.resolve("queue/msg"), WAIT)).isEmpty();
    }
}
