package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.dirmail.directory.openldap.Slapd;
import org.dirmail.mta.config.DirmailConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server against a real OpenLDAP slapd instead of the embedded directory: SMTP-time
 * answers, a delivery through an alias domain and a recipient delimiter, both resolved live, and
 * an entry edited on slapd to an mbox store with an auto-reply.
 */
class OpenLdapDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static Slapd slapd;
    private static DirmailServer server;

    @BeforeAll
    static void start() throws Exception {
        Slapd.requireInstalled();
        slapd = Slapd.start(dir.resolve("slapd"));
        server = DirmailServer.start(DirmailConfig.load(null, List.of(
                "data_dir=" + dir.resolve("data"),
                "hostname=mx.test.example",
                "smtp_listen=127.0.0.1:0",
                "admin_listen=none",
                "submission_listen=",
                "smtps_listen=",
                "pop3_listen=",
                "pop3s_listen=",
                "embedded_directory=no",
                "ldap_urls=" + slapd.url(),
                "ldap_bind_dn=" + Slapd.ROOT_DN,
                "ldap_bind_password_file=" + slapd.rootPasswordFile(),
                "local_domains=example.com example.org example.net",
                "alias_domains=example.net:example.com",
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s",
                "local_retry_constant=1",
                "dns_resolvers=127.0.0.1:9")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void recipientsAreAnsweredFromOpenLdap() throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.send("EHLO client.example")).startsWith("250");
            assertThat(smtp.send("MAIL FROM:<s@client.example>")).startsWith("250 2.1.0");
            assertThat(smtp.send("RCPT TO:<bob.smith@example.com>")).startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<Bob.Smith@EXAMPLE.NET>")).as("alias domain").startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<alice+news@example.com>")).as("delimiter").startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<anything@example.org>")).as("catch-all").startsWith("250 2.1.5");
            assertThat(smtp.send("RCPT TO:<nobody@example.com>")).startsWith("550 5.1.1");
            assertThat(smtp.send("RCPT TO:<nobody@example.net>")).startsWith("550 5.1.1");
            assertThat(smtp.send("RCPT TO:<dave@example.com>")).startsWith("550 5.2.1");
            assertThat(smtp.send("RCPT TO:<*@example.com>")).startsWith("550 5.1.1");
            assertThat(smtp.send("QUIT")).startsWith("221");
        }
    }

    @Test
    void mailToATaggedAliasDomainAddressReachesTheMaildirWithTheFullDeliveredTo() throws Exception {
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            assertThat(smtp.send("MAIL FROM:<s@client.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<alice+lists@example.net>")).startsWith("250 2.1.5");
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send("Subject: via slapd\r\n\r\nresolved by OpenLDAP\r\n.")).startsWith("250 2.0.0");
        }

        Path alice = dir.resolve("data/mail/example.com/alice/Maildir");
        List<Path> mail = MaildirProbe.awaitMessages(alice, 1, WAIT);
        assertThat(mail).hasSize(1);
        String text = Files.readString(mail.get(0), StandardCharsets.US_ASCII);
        assertThat(text).startsWith("Return-Path: <s@client.example>\nDelivered-To: alice+lists@example.net\n")
                .contains("Subject: via slapd");
    }

    @Test
    void bobEditedOnSlapdToAnMboxWithAnAutoReplyGetsBoth() throws Exception {
        try (LDAPConnection admin = slapd.admin()) {
            admin.modify("uid=bob,ou=people," + Slapd.BASE_DN,
                    new Modification(ModificationType.REPLACE, "mailMessageStore", "example.com/bob/mbox"),
                    new Modification(ModificationType.REPLACE, "deliveryMode", "reply"),
                    new Modification(ModificationType.REPLACE, "mailReplyText", "Away until Monday."));
        }
        try (SmtpTestClient smtp = new SmtpTestClient(server.smtpPort())) {
            smtp.reply();
            smtp.send("EHLO client.example");
            // The sender is the example.org catch-all, so the reply lands in a Maildir this test can read.
            assertThat(smtp.send("MAIL FROM:<colleague@example.org>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250 2.1.5");
            assertThat(smtp.send("DATA")).startsWith("354");
            assertThat(smtp.send("Subject: lunch\r\nMessage-ID: <lunch@example.org>\r\n\r\nFrom the canteen\r\n."))
                    .startsWith("250 2.0.0");
        }

        List<Path> replies = MaildirProbe.awaitMessages(dir.resolve("data/mail/example.org/catchall-example-org/Maildir"),
                1, WAIT);
        assertThat(replies).hasSize(1);
        assertThat(Files.readString(replies.get(0), StandardCharsets.UTF_8)).contains("Return-Path: <>\n",
                "Auto-Submitted: auto-replied\n", "In-Reply-To: <lunch@example.org>\n", "Away until Monday.");
        String mbox = Files.readString(dir.resolve("data/mail/example.com/bob/mbox"), StandardCharsets.US_ASCII);
        assertThat(mbox).startsWith("From colleague@example.org ").contains("Delivered-To: bob@example.com\n")
                .contains("\n>From the canteen\n");
    }
}
