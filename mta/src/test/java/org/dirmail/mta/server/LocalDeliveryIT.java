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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mbox, programs and .qmail files end to end: entries edited over LDAP, mail sent over SMTP with
 * Angus Mail, the results read from the disk.
 */
class LocalDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ALICE = "uid=alice,ou=people,dc=example,dc=com";
    private static final String BOB = "uid=bob,ou=people,dc=example,dc=com";

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
    void anEntryEditedToAnMboxStoreGetsItsMailThere() throws Exception {
        start(false);
        modify(ALICE, new Modification(ModificationType.REPLACE, "mailMessageStore", "example.com/alice/mbox"));

        send("alice@example.com", "mbox test", "Hello\nFrom the start of a line\n");

        Path mbox = data.resolve("mail/example.com/alice/mbox");
        String text = await(mbox, ">From the start of a line\n\n");
        assertThat(text).startsWith("From sender@client.example ");
        assertThat(text).contains("\nReturn-Path: <sender@client.example>\nDelivered-To: alice@example.com\n")
                .contains("\n>From the start of a line\n").endsWith("\n\n");
        // The dotlock goes just after the mbox is synced; the delivery is over once the queue is empty.
        assertThat(MaildirProbe.awaitEmpty(data.resolve("queue/msg"), WAIT)).isEmpty();
        assertThat(mbox.resolveSibling("mbox.lock")).doesNotExist();
    }

    @Test
    void aDeliveryProgramRunsWhenProgramsAreAllowed() throws Exception {
        start(true);
        Path script = program();
        modify(BOB, new Modification(ModificationType.REPLACE, "qmailDotMode", "ldapwithprog"),
                new Modification(ModificationType.REPLACE, "deliveryProgramPath", "/bin/sh " + script));

        send("bob@example.com", "program test", "for the program\n");

        String got = await(data.resolve("program-ran"), "for the program");
        assertThat(got).startsWith("sender@client.example bob@example.com\n").doesNotContain("Delivered-To:");
        assertThat(MaildirProbe.awaitMessages(data.resolve("mail/example.com/bob/Maildir"), 1, WAIT)).hasSize(1);
    }

    @Test
    void aDeliveryProgramDoesNotRunWhenProgramsAreOff() throws Exception {
        start(false);
        Path script = program();
        modify(BOB, new Modification(ModificationType.REPLACE, "qmailDotMode", "ldapwithprog"),
                new Modification(ModificationType.REPLACE, "deliveryProgramPath", "/bin/sh " + script));

        send("bob@example.com", "program test", "not for the program\n");

        // The program would run before the Maildir delivery; once that is done, it did not.
        assertThat(MaildirProbe.awaitMessages(data.resolve("mail/example.com/bob/Maildir"), 1, WAIT)).hasSize(1);
        assertThat(data.resolve("program-ran")).doesNotExist();
    }

    @Test
    void aQmailFileForwardsAndStoresInItsMaildir() throws Exception {
        start(false);
        Path home = Files.createDirectories(data.resolve("mail/example.com/bob"));
        Path dotQmail = Files.writeString(home.resolve(".qmail"), "# bob's rules\n&alice@example.com\n./Filed/\n");
        Files.setPosixFilePermissions(dotQmail, PosixFilePermissions.fromString("rw-------"));
        modify(BOB, new Modification(ModificationType.REPLACE, "qmailDotMode", "dotonly"),
                new Modification(ModificationType.REPLACE, "homeDirectory", "example.com/bob"));

        send("bob@example.com", "dot-qmail test", "rules\n");

        List<Path> filed = MaildirProbe.awaitMessages(home.resolve("Filed"), 1, WAIT);
        List<Path> forwarded = MaildirProbe.awaitMessages(data.resolve("mail/example.com/alice/Maildir"), 1, WAIT);
        assertThat(Files.readString(filed.get(0))).contains("Delivered-To: bob@example.com\n");
        assertThat(Files.readString(forwarded.get(0))).contains("Delivered-To: alice@example.com\n",
                "Delivered-To: bob@example.com\n");
        // dotonly: the .qmail lines replace the entry's own Maildir.
        assertThat(home.resolve("Maildir")).doesNotExist();
    }

    private void start(boolean allowPrograms) throws Exception {
        server = DirmailServer.start(TestServerConfig.load(data,
                "ldap_connect_timeout=1s",
                "ldap_response_timeout=2s",
                "local_retry_constant=1",
                "allow_programs=" + (allowPrograms ? "yes" : "no")));
    }

    // The script writes where the test looks; RESTRICT_PROG allows no redirection in the attribute itself.
    private Path program() throws Exception {
        Path script = data.resolve("deliver.sh");
        Files.writeString(script, "{ echo \"$SENDER $RECIPIENT\"; cat; } > " + data.resolve("program-ran.tmp")
                + " && mv " + data.resolve("program-ran.tmp") + " " + data.resolve("program-ran") + "\n");
        return script;
    }

    private void modify(String dn, Modification... modifications) throws Exception {
        EmbeddedDirectory d = server.embeddedDirectory();
        try (LDAPConnection admin = new LDAPConnection("127.0.0.1", d.port(), EmbeddedDirectory.ADMIN_DN,
                d.adminPassword())) {
            admin.modify(dn, modifications);
        }
    }

    private void send(String rcpt, String subject, String body) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(server.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "30000");
        MimeMessage message = new MimeMessage(Session.getInstance(p));
        message.setFrom(new InternetAddress("sender@client.example"));
        message.setRecipients(Message.RecipientType.TO, rcpt);
        message.setSubject(subject);
        message.setText(body);
        Transport.send(message);
    }

    private static String await(Path file, String content) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains(content)) {
                    return text;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " did not get '" + content + "' within " + WAIT);
    }
}
